# A unit said to carry its parent's identifier, which is another organisation's.
# expect: kopash:ParentIdentifierShape <organisation/jarviseudun-ammatti-instituutti>
INSERT DATA { <organisation/jarviseudun-ammatti-instituutti> kopa:parentIdentifier <identifier/business-id/0204964-1> }
