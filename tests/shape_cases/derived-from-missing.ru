# A derived fact that says not what it was derived from.
# expect: kopash:Derived-from <municipality/005/site>
DELETE WHERE { <municipality/005/site> prov:wasDerivedFrom ?x }
