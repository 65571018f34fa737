# A keyword whose theme is not among the pilot's subjects.
# expect: kopash:ThemeSubjectShape <pilot/alfa/theme/online-teaching>
DELETE DATA { <pilot/alfa> dct:subject <theme/online-teaching> }
