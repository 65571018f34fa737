# A unit inside two organisations.
# expect: kopash:Organisation-subOrganizationOf <organisation/jarviseudun-ammatti-instituutti>
INSERT DATA { <organisation/jarviseudun-ammatti-instituutti> org:subOrganizationOf <organisation/sasky> }
