# A keyword with three education levels.
# conforms: kopash:ThemeStatement-level
# conforms: kopash:ThemeSubjectShape
INSERT DATA { <pilot/alfa/theme/cooperation-between-education-levels> schema:educationalLevel <education-level/liberal-adult-education> }
