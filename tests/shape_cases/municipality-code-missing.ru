# A municipality without its kuntanumero.
# expect: kopash:MunicipalityCodeShape <municipality/403>
DELETE WHERE { <municipality/403> dct:identifier ?c }
