# A contact who works for an organisation outside the pilot.
# expect: kopash:ContactInPilotShape <pilot/beta>
DELETE DATA { <pilot/beta/contact/2> org:postIn <organisation/sasky> }
;
INSERT DATA { <pilot/beta/contact/2> org:postIn <municipality/005> }
