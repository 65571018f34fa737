# An organisation whose identifier is a theme.
# expect: kopash:Organisation-identifier-node <organisation/sasky>
INSERT DATA { <organisation/sasky> adms:identifier <theme/online-teaching> }
