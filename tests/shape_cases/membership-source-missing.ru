# A membership with no source.
# expect: kopash:Membership-source <membership/beta/403>
DELETE WHERE { <membership/beta/403> dct:source ?s }
