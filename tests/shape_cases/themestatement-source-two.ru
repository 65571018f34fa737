# A keyword said to be on two lines.
# expect: kopash:ThemeStatement-source <pilot/alfa/theme/online-teaching>
INSERT DATA { <pilot/alfa/theme/online-teaching> dct:source <https://example.org/test-article#line=18,19> }
