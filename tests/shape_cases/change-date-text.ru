# A merger dated with text.
# expect: kopash:ChangeEvent-date <change/099-2021-01-01>
DELETE WHERE { <change/099-2021-01-01> dct:date ?d }
;
INSERT DATA { <change/099-2021-01-01> dct:date "1 January 2021" }
