# An organisation in two municipalities.
# expect: kopash:Organisation-site <organisation/sasky>
INSERT DATA { <organisation/sasky> org:hasSite <municipality/005/site>, <municipality/052/site> }
