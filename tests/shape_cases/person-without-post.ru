# A person who holds no post.
# expect: kopash:Person-post <person/p003>
DELETE WHERE { <pilot/beta/contact/2> org:heldBy ?p }
