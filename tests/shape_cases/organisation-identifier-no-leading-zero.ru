# A municipality code that lost its leading zeros.
# expect: kopash:Organisation-identifier <municipality/005>
DELETE WHERE { <municipality/005> dct:identifier ?c }
;
INSERT DATA { <municipality/005> dct:identifier "5" }
