# A pilot without a contact.
# expect: kopash:Pilot-contactPoint <pilot/beta>
DELETE WHERE { <pilot/beta> schema:contactPoint ?p }
