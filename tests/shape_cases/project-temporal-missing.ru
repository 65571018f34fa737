# The network project without its period.
# expect: kopash:NetworkProject-temporal <project/kopa>
DELETE WHERE { <project/kopa> dct:temporal ?t }
