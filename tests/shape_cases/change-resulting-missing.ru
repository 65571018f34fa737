# A merger with no result.
# expect: kopash:ChangeEvent-resulting <change/099-2021-01-01>
DELETE WHERE { <change/099-2021-01-01> org:resultingOrganization ?o }
