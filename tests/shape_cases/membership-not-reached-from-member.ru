# A member that does not link to its membership (org:hasMembership).
# expect: kopash:MembershipBothWaysShape <membership/alfa/005>
DELETE WHERE { ?org <http://www.w3.org/ns/org#hasMembership> <membership/alfa/005> }
