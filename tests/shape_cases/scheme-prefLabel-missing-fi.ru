# One of our vocabularies without a Finnish name.
# expect: kopash:VocabularySchemeLabelsShape <role>
DELETE { ?s skos:prefLabel ?l } WHERE { BIND (<role> AS ?s) ?s skos:prefLabel ?l FILTER (lang(?l) = "fi") }
