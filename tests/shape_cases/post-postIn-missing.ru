# A post in no organisation.
# expect: kopash:Post-postIn <post/p002/1>
DELETE WHERE { <post/p002/1> org:postIn ?o }
