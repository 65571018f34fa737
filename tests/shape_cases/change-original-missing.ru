# A merger that names no merged organisation.
# expect: kopash:ChangeEvent-original <change/099-2021-01-01>
DELETE WHERE { <change/099-2021-01-01> org:originalOrganization ?o }
