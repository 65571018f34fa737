# A period whose end is a day (as a classification's validity is given).
# conforms: kopash:Period-end
DELETE WHERE { <period/2020-2021> dcat:endDate ?d }
;
INSERT DATA { <period/2020-2021> dcat:endDate "2021-12-31"^^xsd:date }
