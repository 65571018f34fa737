# A period whose end is a date, not a year.
# expect: kopash:Period-end <period/2020-2021>
DELETE WHERE { <period/2020-2021> dcat:endDate ?d }
;
INSERT DATA { <period/2020-2021> dcat:endDate "2021-12-31"^^xsd:date }
