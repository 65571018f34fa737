# A person who holds no post.
# expect: kopash:Person-post <person/p003>
DELETE WHERE { <post/p003/1> org:heldBy ?p }
