# A pilot with one member is no collaboration.
# expect: kopash:Pilot-members <pilot/beta>
DELETE WHERE { <membership/beta/052> ?p ?o }
;
DELETE WHERE { <membership/beta/403> ?p ?o }
;
DELETE WHERE { <membership/beta/099> ?p ?o }
