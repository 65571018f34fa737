# A period whose end is text, neither a year nor a day (periods take either since issue 15: a classification's
# validity is given in days).
# expect: kopash:Period-end <period/2020-2021>
DELETE WHERE { <period/2020-2021> dcat:endDate ?d }
;
INSERT DATA { <period/2020-2021> dcat:endDate "end of 2021" }
