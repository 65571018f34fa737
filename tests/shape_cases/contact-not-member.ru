# A contact who works for an organisation outside the pilot.
# expect: kopash:ContactInPilotShape <pilot/beta>
DELETE DATA { <post/p003/1> org:postIn <organisation/sasky> }
;
INSERT DATA { <post/p003/1> org:postIn <municipality/005> }
