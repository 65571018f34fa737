"""The languages of the graph, the pages and the renderings: the one list, and the order in which a
missing language is stood in for."""

from __future__ import annotations

#: Every label, page and rendering is in these; the source data must give each concept's label in all three.
LANGUAGES = ("sv", "fi", "en")

#: Where a label is missing in a language, the next of these stands in (then an untagged label).
FALLBACK = {"sv": ("fi", "en"), "fi": ("sv", "en"), "en": ("fi", "sv")}

#: Each language's name in English (for notes the graph writes in English).
NAMES_IN_ENGLISH = {"sv": "Swedish", "fi": "Finnish", "en": "English"}

#: Each language in the EU's authority table of languages (EU Vocabularies, ISO 639-3 codes), which
#: DCAT-AP names a dataset's languages by.
EU_LANGUAGE_CODES = {"sv": "SWE", "fi": "FIN", "en": "ENG"}
