# A concept scheme with no top concept.
# expect: kopash:ConceptScheme-topConcept <role>
DELETE WHERE { <role> skos:hasTopConcept ?c }
