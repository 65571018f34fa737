# An organisation whose type is a theme.
# expect: kopash:Organisation-classification <organisation/sasky>
DELETE WHERE { <organisation/sasky> org:classification ?t }
;
INSERT DATA { <organisation/sasky> org:classification <theme/online-teaching> }
