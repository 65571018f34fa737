# A post whose holder is left out (publishing without personal data).
# conforms: kopash:Post-heldBy
# conforms: kopash:ContactInPilotShape
DELETE WHERE { <pilot/beta/contact/2> org:heldBy ?p }
;
DELETE WHERE { <person/p003> ?p ?o }
