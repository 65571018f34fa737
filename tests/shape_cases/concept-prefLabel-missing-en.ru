# A concept without an English label.
# expect: kopash:Concept-prefLabel <theme/online-teaching>
DELETE { ?s skos:prefLabel ?l } WHERE { BIND (<theme/online-teaching> AS ?s) ?s skos:prefLabel ?l FILTER (lang(?l) = "en") }
