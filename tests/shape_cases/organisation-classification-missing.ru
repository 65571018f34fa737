# An organisation with no type.
# expect: kopash:Organisation-classification <organisation/sasky>
DELETE WHERE { <organisation/sasky> org:classification ?t }
