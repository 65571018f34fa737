# A keyword whose listed level is the concept itself, not a schema:ListItem.
# expect: kopash:ThemeStatement-listedLevel <pilot/alfa/theme/cooperation-between-education-levels>
INSERT DATA { <pilot/alfa/theme/cooperation-between-education-levels> schema:itemListElement <education-level/basic-education> }
