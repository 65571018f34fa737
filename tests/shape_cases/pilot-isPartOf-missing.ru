# A pilot not part of the network project.
# expect: kopash:Pilot-isPartOf <pilot/alfa>
DELETE DATA { <pilot/alfa> dct:isPartOf <project/kopa> }
