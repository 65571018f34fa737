# A merger not said to be recorded anywhere.
# expect: kopash:ChangeEvent-source <change/099-2021-01-01>
DELETE WHERE { <change/099-2021-01-01> dct:source ?s }
