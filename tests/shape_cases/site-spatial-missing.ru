# An organisation's site with no municipality.
# expect: kopash:Site-spatial <municipality/005/site>
DELETE WHERE { <municipality/005/site> dct:spatial ?x }
