# A period with no start year.
# expect: kopash:Period-start <period/2020-2021>
DELETE WHERE { <period/2020-2021> dcat:startDate ?d }
