# A post held by two people.
# expect: kopash:Post-heldBy <post/p002/1>
INSERT DATA { <post/p002/1> org:heldBy <person/p003> }
