# An organisation's other name without a language tag.
# expect: kopash:Organisation-altLabel <organisation/sasky>
INSERT DATA { <organisation/sasky> skos:altLabel "Sasky" }
