# A membership with two forms as written.
# expect: kopash:Membership-asWritten <membership/beta/403>
INSERT DATA { <membership/beta/403> kopa:asWritten "Lappajärvi kommun"@sv }
