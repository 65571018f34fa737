# The network project without a coordinator.
# expect: kopash:NetworkProject-coordinator <project/kopa>
DELETE DATA { <membership/kopa/kuntaliitto> org:role <role/coordinator> }
;
INSERT DATA { <membership/kopa/kuntaliitto> org:role <role/partner> }
