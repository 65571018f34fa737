# The source article without a title.
# expect: kopash:Article-title <https://example.org/test-article>
DELETE WHERE { <https://example.org/test-article> dct:title ?t }
