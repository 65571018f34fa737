# An organisation not known from anywhere.
# expect: kopash:Organisation-source <organisation/jarviseudun-koulutuskuntayhtyma>
DELETE WHERE { <organisation/jarviseudun-koulutuskuntayhtyma> dct:source ?s }
