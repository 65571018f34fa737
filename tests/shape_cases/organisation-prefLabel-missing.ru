# An organisation with no name.
# expect: kopash:Organisation-prefLabel <organisation/jarviseudun-koulutuskuntayhtyma>
DELETE WHERE { <organisation/jarviseudun-koulutuskuntayhtyma> skos:prefLabel ?n }
