# An organisation with two memberships in one pilot.
# expect: kopash:UniqueMembershipShape <membership/beta/403>
# expect: kopash:UniqueMembershipShape <membership/beta/extra>
INSERT DATA { <membership/beta/extra> a org:Membership ; org:member <municipality/403> ; org:organization <pilot/beta> ; org:role <role/participant> ; dct:source <https://example.org/test-article#line=16,17> . <municipality/403> org:hasMembership <membership/beta/extra> }
