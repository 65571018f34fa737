# A concept of our vocabularies without an English label.
# expect: kopash:VocabularyLabelsShape <theme/online-teaching>
DELETE { ?s skos:prefLabel ?l } WHERE { BIND (<theme/online-teaching> AS ?s) ?s skos:prefLabel ?l FILTER (lang(?l) = "en") }
