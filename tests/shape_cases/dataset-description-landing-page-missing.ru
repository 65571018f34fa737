# The dataset description: no landing page.
# expect: kopash:DatasetDescription-landingPage <dataset/kopa>
DELETE WHERE { <dataset/kopa> dcat:landingPage ?p }
