# A derivation that names no software.
# expect: kopash:Activity-agent <activity/locate-organisations>
DELETE WHERE { <activity/locate-organisations> prov:wasAssociatedWith ?x }
