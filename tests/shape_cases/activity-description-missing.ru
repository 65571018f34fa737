# A derivation that does not say how it derives.
# expect: kopash:Activity-description <activity/locate-organisations>
DELETE WHERE { <activity/locate-organisations> dct:description ?d }
