# A post with two forms of its organisation.
# expect: kopash:Post-asWritten <post/p002/1>
INSERT DATA { <post/p002/1> kopa:asWritten "Sastamalan koulutuskuntayhtymä"@fi }
