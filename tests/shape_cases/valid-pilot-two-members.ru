# A pilot with exactly two members is still a collaboration.
# conforms: kopash:Pilot-members
# conforms: kopash:UniqueMembershipShape
DELETE WHERE { <membership/beta/403> ?p ?o }
