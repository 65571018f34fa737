# The dataset description: no Finnish description (the profile recommends one in each language).
# expect: kopash:DatasetDescription-description <dataset/kopa>
DELETE { <dataset/kopa> dct:description ?d } WHERE { <dataset/kopa> dct:description ?d . FILTER (LANG(?d) = "fi") }
