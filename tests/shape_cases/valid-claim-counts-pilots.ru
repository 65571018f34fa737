# A stated total may count pilots (a class) or an organisation type.
# conforms: kopash:StatedTotal-countOf
# conforms: kopash:StatedTotal-count
DELETE WHERE { <claim/municipalities> ?p ?o }
