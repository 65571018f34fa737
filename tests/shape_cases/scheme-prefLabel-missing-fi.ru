# A concept scheme without a Finnish name.
# expect: kopash:ConceptScheme-prefLabel <role>
DELETE { ?s skos:prefLabel ?l } WHERE { BIND (<role> AS ?s) ?s skos:prefLabel ?l FILTER (lang(?l) = "fi") }
