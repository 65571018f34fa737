# A concept scheme named in German.
# expect: kopash:ConceptScheme-prefLabel <role>
INSERT DATA { <role> skos:prefLabel "Rollen"@de }
