# A pilot whose contact point is a person, not a post.
# expect: kopash:Pilot-contactPoint <pilot/beta>
INSERT DATA { <pilot/beta> schema:contactPoint <person/p002> }
