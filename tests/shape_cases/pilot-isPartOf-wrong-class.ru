# A pilot part of something that is not a network project.
# expect: kopash:Pilot-isPartOf <pilot/alfa>
DELETE DATA { <pilot/alfa> dct:isPartOf <project/kopa> }
;
INSERT DATA { <pilot/alfa> dct:isPartOf <pilot/beta> }
