# A concept of our vocabularies without a definition (a warning, not a violation).
# expect: kopash:VocabularyDefinitionShape <theme/online-teaching>
DELETE WHERE { <theme/online-teaching> skos:definition ?d }
