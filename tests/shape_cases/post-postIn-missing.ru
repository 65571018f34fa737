# A post in no organisation.
# expect: kopash:Post-postIn <pilot/beta/contact/1>
DELETE WHERE { <pilot/beta/contact/1> org:postIn ?o }
