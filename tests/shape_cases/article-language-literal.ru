# The source article's language as text, not an IRI.
# expect: kopash:Article-language <https://example.org/test-article>
DELETE WHERE { <https://example.org/test-article> dct:language ?l }
;
INSERT DATA { <https://example.org/test-article> dct:language "sv" }
