# The source article without a publisher.
# expect: kopash:Article-publisher <https://example.org/test-article>
DELETE WHERE { <https://example.org/test-article> dct:publisher ?p }
