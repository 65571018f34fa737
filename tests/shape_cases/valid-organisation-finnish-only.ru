# An organisation the article does not name needs no Swedish name.
# conforms: kopash:SwedishNameShape
# conforms: kopash:Organisation-prefLabel
INSERT DATA { <organisation/x> a org:Organization ; skos:prefLabel "Esimerkki Oy"@fi ; org:classification <organisation-type/limited-company> ; dct:source <dataset/organisations> }
