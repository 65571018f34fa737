# A municipality code typed as a number.
# expect: kopash:Organisation-identifier <municipality/052>
DELETE WHERE { <municipality/052> dct:identifier ?c }
;
INSERT DATA { <municipality/052> dct:identifier "052"^^xsd:integer }
