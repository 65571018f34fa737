# A pilot with no stated lead is fine (leads are never invented).
# conforms: kopash:Pilot-lead
DELETE DATA { <membership/alfa/005> org:role <role/lead-organisation> }
