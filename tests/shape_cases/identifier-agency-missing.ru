# An identifier without its issuing agency.
# expect: kopash:Identifier-agency <identifier/business-id/0204964-1>
DELETE WHERE { <identifier/business-id/0204964-1> adms:schemeAgency ?a }
