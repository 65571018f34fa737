# A post held by two people.
# expect: kopash:Post-heldBy <pilot/beta/contact/1>
INSERT DATA { <pilot/beta/contact/1> org:heldBy <person/p003> }
