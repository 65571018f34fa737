# A post with two forms of its organisation.
# expect: kopash:Post-asWritten <pilot/beta/contact/1>
INSERT DATA { <pilot/beta/contact/1> kopa:asWritten "Sastamalan koulutuskuntayhtymä"@fi }
