# The dataset description: the day it was issued as text, not an xsd:date.
# expect: kopash:DatasetDescription-issued <dataset/kopa>
DELETE WHERE { <dataset/kopa> dct:issued ?d }
;
INSERT DATA { <dataset/kopa> dct:issued "1 March 2021" }
