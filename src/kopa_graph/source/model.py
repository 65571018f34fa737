"""The source data as typed, immutable values: what ``data/`` says, checked.

Every value keeps the :class:`~kopa_graph.errors.Location` in ``data/`` it was
read from; facts read from the article also keep the article ``line``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from kopa_graph.errors import Location
from kopa_graph.geo.atlas import Atlas

#: Languages a label may have. Swedish is the language of the source article.

LangText = Mapping[str, str]
LangTexts = Mapping[str, tuple[str, ...]]

#: The concept schemes the build needs, by scheme id.
THEMES, LEVELS, ORG_TYPES, ROLES = "theme", "education-level", "organisation-type", "role"
IDENTIFIER_SCHEMES = "identifier-scheme"
REQUIRED_SCHEMES = (THEMES, LEVELS, ORG_TYPES, ROLES)

PARTICIPANT = "participant"

#: Classes a stated total may count (``counts_class``).
COUNTABLE_CLASSES = ("Pilot",)

#: W3C ORG classes an organisation type may give its members (``org_class``).
ORG_CLASSES = ("FormalOrganization", "OrganizationalUnit", "Organization")

#: What an organisation type says about education (``education``): its organisations provide education (in
#: Opintopolku's organisation service an education provider, with an organisation OID) or are educational
#: institutions (with an institution OID).
EDUCATION_ROLES = ("provider", "institution")


@dataclass(frozen=True)
class Concept:
    id: str
    labels: LangText
    definitions: LangText
    loc: Location
    alt_labels: LangTexts = field(default_factory=dict)
    broader: tuple[str, ...] = ()
    org_class: str | None = None
    agency: LangText = field(default_factory=dict)
    #: For an identifier scheme: the kopa datatype (ontology/kopa.ttl) of its values' skos:notation.
    datatype: str | None = None
    education: str | None = None  # organisation types: one of EDUCATION_ROLES, or none


@dataclass(frozen=True)
class Scheme:
    id: str
    labels: LangText
    definitions: LangText
    concepts: Mapping[str, Concept]
    loc: Location


@dataclass(frozen=True)
class Organisation:
    id: str
    type: str
    names: LangText
    loc: Location
    municipality_code: str | None = None
    alt_labels: LangTexts = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    part_of: str | None = None
    pages: tuple[str, ...] = ()  # public pages (http, https) facts of it come from, beside the reference files
    translated: tuple[str, ...] = ()  # languages whose name is kopa-graph's own translation (no source gives it)

    @property
    def key(self) -> str:
        """The IRI-forming key: the kuntanumero of a municipality, else the id."""
        return self.municipality_code or self.id


@dataclass(frozen=True)
class Member:
    organisation: str
    as_written: str
    loc: Location
    role: str | None = None
    role_as_written: str | None = None


@dataclass(frozen=True)
class LevelMention:
    level: str
    as_written: str
    loc: Location


@dataclass(frozen=True)
class Keyword:
    theme: str
    as_written: str
    loc: Location
    levels: tuple[LevelMention, ...] = ()


@dataclass(frozen=True)
class Contact:
    person: str
    name: str
    titles: tuple[str, ...]
    organisation: str
    organisation_as_written: str
    loc: Location
    #: The person asked not to be published: their posts stay, their name and IRI are left out of
    #: every output, as under ``--no-personal-data``. Not in the article: kept by ``ingest``.
    withhold: bool = False


@dataclass(frozen=True)
class Pilot:
    id: str
    name: str
    line: int
    loc: Location
    members_line: int
    members: tuple[Member, ...]
    keywords_line: int
    keywords: tuple[Keyword, ...]
    contacts_line: int
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Claim:
    id: str
    line: int
    text: str
    count: int
    loc: Location
    counts_class: str | None = None
    counts_type: str | None = None


@dataclass(frozen=True)
class ProjectMember:
    organisation: str
    role: str
    loc: Location


@dataclass(frozen=True)
class Project:
    id: str
    names: LangText
    alt_labels: LangTexts
    descriptions: LangText
    start: int
    end: int
    pages: tuple[str, ...]
    members: tuple[ProjectMember, ...]
    loc: Location


@dataclass(frozen=True)
class PublishedDataset:
    """The graph kopa-graph makes of the data, as its description dates it (``dataset`` in project.yaml)."""

    issued: datetime.date
    modified: datetime.date
    loc: Location


@dataclass(frozen=True)
class Article:
    url: str
    file: str
    title: str
    language: str
    publisher: str
    loc: Location


@dataclass(frozen=True)
class ReferenceDataset:
    id: str
    file: str
    titles: LangText  # en always; sv and fi where given
    licence: str
    rights: str
    sources: tuple[str, ...]
    loc: Location
    classification: str | None = None
    #: The days the classifications of this dataset are in force: the first, and the last where it has ended.
    valid_from: str = ""
    valid_to: str = ""
    validity_note: str = ""  # how the days are known (the end of a list is the day before the next one starts)


@dataclass(frozen=True)
class Area:
    """A region (maakunta) or sub-region (seutukunta) of one classification."""

    classification: str  # e.g. maakunta_1_20200101
    code: str
    names: LangText


@dataclass(frozen=True)
class Municipality:
    """One row of a municipality classification (e.g. kunta_1_20200101)."""

    code: str
    name_fi: str
    name_sv: str
    classification: str
    name_en: str = ""
    region: Area | None = None
    subregion: Area | None = None
    valid_from: str = ""
    loc: Location | None = None


@dataclass(frozen=True)
class Alias:
    """Another name of an organisation (``data/aliases.csv``), used to read articles."""

    name: str
    organisation: str
    loc: Location


@dataclass(frozen=True)
class MunicipalityChange:
    code: str
    name_fi: str
    last_classification: str
    first_classification_without: str
    absorbed_by: str
    evidence: str
    loc: Location
    evidence_url: str = ""  # the public decision or notice that gives the change


@dataclass(frozen=True)
class RegionChange:
    """A municipality moved from one region (and sub-region) to another on a day."""

    code: str
    name_fi: str
    date: str
    region_from: str
    region_to: str
    subregion_from: str
    subregion_to: str
    evidence_url: str
    evidence: str
    loc: Location


@dataclass(frozen=True)
class IdentifierRow:
    """One identifier a reference file states, before it is linked to an organisation."""

    dataset: str
    loc: Location
    organisation: str  # as the file names it (a name, or 'kunta:NNN' for a municipality code)
    scheme: str  # as the file writes it ('y-tunnus (of parent: ...)', ...)
    value: str
    name_in_source: str
    note: str
    upstream: str  # the public file the value was read from
    as_of: str = ""  # the day (YYYY-MM-DD) or year (YYYY) at which the source gives the value


@dataclass(frozen=True)
class YsoConcept:
    uri: str
    labels: dict[str, str]
    loc: Location


@dataclass(frozen=True)
class LevelCode:
    """A code of an education-level classification, as ``education_levels.csv`` states it."""

    classification: str  # the classification's code-list name, e.g. koulutusasteoph2002
    title: str  # the classification as the file describes it
    code: str
    labels: dict[str, str]
    note: str
    upstream: str
    loc: Location
    dataset: str = "education-levels"  # the reference dataset that gives it


@dataclass(frozen=True)
class ConceptMapping:
    """A curated mapping of one of our concepts to an external concept."""

    concept: str
    relation: str
    target: str  # a YSO URI, or 'classification code'
    note: str
    loc: Location


@dataclass(frozen=True)
class Registry:
    changes: tuple[MunicipalityChange, ...] = ()
    region_changes: tuple[RegionChange, ...] = ()
    identifiers: tuple[IdentifierRow, ...] = ()
    yso: dict[str, YsoConcept] = field(default_factory=dict)
    level_codes: dict[tuple[str, str], LevelCode] = field(default_factory=dict)
    theme_mappings: tuple[ConceptMapping, ...] = ()
    level_mappings: tuple[ConceptMapping, ...] = ()
    type_codes: dict[tuple[str, str], LevelCode] = field(default_factory=dict)  # oppilaitostyyppi, …
    type_mappings: tuple[ConceptMapping, ...] = ()  # organisation type → institution type



@dataclass(frozen=True)
class Term:
    """The Finnish and English forms of one Swedish text of the article."""

    names: LangText  # fi and en (the Swedish form is the article's)
    loc: Location
    translated: tuple[str, ...] = ()  # languages whose form is kopa-graph's own
    pages: tuple[str, ...] = ()  # public pages that give a form
    area: Area | None = None  # the pilot is named after this area: its official names
    notes: LangText = field(default_factory=dict)


@dataclass(frozen=True)
class Glossary:
    pilots: dict[str, Term] = field(default_factory=dict)  # by pilot id
    titles: dict[str, Term] = field(default_factory=dict)  # by the title as the article writes it
    claims: dict[str, Term] = field(default_factory=dict)  # the stated totals' phrases, by claim id
    article: Term | None = None  # the article's title
    legal_names: dict[str, Term] = field(default_factory=dict)  # a municipality's own organisation, by org id


@dataclass(frozen=True)
class SourceData:
    """Everything ``kopa-graph build`` reads, checked and cross-referenced."""

    project: Project
    article: Article
    organisations: Mapping[str, Organisation]
    pilots: tuple[Pilot, ...]
    claims: tuple[Claim, ...]
    schemes: Mapping[str, Scheme]
    datasets: Mapping[str, ReferenceDataset]
    municipalities: Mapping[str, Municipality]
    published: PublishedDataset
    #: The current classification (2026), by code; used to read names, not for IRIs.
    municipalities_now: Mapping[str, Municipality] = field(default_factory=dict)
    aliases: tuple[Alias, ...] = ()
    registry: Registry = field(default_factory=lambda: Registry())
    #: The Finnish and English forms of pilot names and contact titles (data/glossary.yaml).
    glossary: Glossary = field(default_factory=lambda: Glossary())
    #: The municipal boundaries of 2020 and today (data/geo/), where datasets.yaml describes them.
    atlas: Atlas | None = None
