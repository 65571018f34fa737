"""``kopa-graph export csv DIR``: the graph as CSV files for registry people.

One UTF-8 CSV per entity type (pilots, organisations, memberships, contacts,
themes) with codes and identifiers in columns of their own, the IRI of every
entity and, beside each column of IRIs, a column of their labels; plus
``csv-metadata.json`` (W3C CSV on the Web, :mod:`kopa_graph.reports.csvmeta`)
that types each column, names each table's key and the keys it refers to.
Values of a multi-valued column are separated by a space (IRIs, codes) or by
`` | `` (labels), in sorted order; the files are deterministic.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kopa_graph.languages import LANGUAGES
from kopa_graph.rdfio.namespaces import ADMS, DCTERMS, FOAF, KOPA, ORG, RDF, SCHEMA, SKOS
from kopa_graph.reports.csvmeta import LABEL_SEPARATOR, Column, metadata_document, table_metadata
from kopa_graph.validation.validate import Validated

Row = dict[str, str]


def _label(g: Graph, s: Node) -> str:
    """The Swedish label of ``s`` (the article's language), else its Finnish one, else any."""
    return _lit(g, s, SKOS.prefLabel, "sv") or _lit(g, s, SKOS.prefLabel, "fi") or _lit(g, s, SKOS.prefLabel)


def _labels(g: Graph, iris: str) -> str:
    """The labels of the space-separated ``iris``, in their order."""
    return LABEL_SEPARATOR.join(_label(g, URIRef(i)) for i in iris.split()) if iris else ""


def _lit(g: Graph, s: Node, p: URIRef, lang: str | None = None) -> str:
    for o in sorted(g.objects(s, p), key=str):
        if isinstance(o, Literal) and (lang is None or o.language == lang):
            return str(o)
    return ""


def _iris(g: Graph, s: Node, p: URIRef) -> str:
    return " ".join(sorted(str(o) for o in g.objects(s, p) if isinstance(o, URIRef)))


def _identifiers(g: Graph, org: Node, scheme_suffix: str, p: URIRef = ADMS.identifier) -> str:
    return " ".join(sorted(_lit(g, i, SKOS.notation) for i in g.objects(org, p)
                           if str(g.value(i, DCTERMS.type) or "").endswith("/" + scheme_suffix)))


def _entries(g: Graph, org: Node) -> Iterable[Node]:
    """The code-list entries an organisation's identifiers refer to (a municipality's, 2020 and today)."""
    for ident in g.objects(org, ADMS.identifier):
        yield from g.objects(ident, DCTERMS.references)


def _codes(g: Graph, org: Node, classification: str) -> tuple[str, str]:
    for entry in _entries(g, org):
        if f"/{classification}/code/" in str(entry):
            return _lit(g, entry, SKOS.notation), str(entry)
    return "", ""


def _today(g: Graph, municipality: Node) -> Node:
    """The municipality, or the one it merged into (org:changedBy → org:resultingOrganization)."""
    for event in g.objects(municipality, ORG.changedBy):
        for resulting in g.objects(event, ORG.resultingOrganization):
            if resulting != municipality:
                return resulting
    return municipality


def _region(g: Graph, org: Node, year: str) -> str:
    site = g.value(org, ORG.hasSite)
    if site is None:
        return ""
    for municipality in g.objects(site, DCTERMS.spatial):
        place = municipality if year == "20200101" else _today(g, municipality)
        for entry in _entries(g, place):
            if f"kunta_1_{year}" in str(entry):
                for part in g.objects(entry, DCTERMS.isPartOf):
                    if f"/maakunta_1_{year}/" in str(part):
                        return _lit(g, part, SKOS.notation)
    return ""


def _pilot_regions(g: Graph, pilot: Node, year: str) -> tuple[str, str]:
    for area in g.objects(pilot, DCTERMS.spatial):
        if str(area).endswith(f"maakunta_1_{year}"):
            codes = " ".join(sorted(_lit(g, r, SKOS.notation) for r in g.objects(area, DCTERMS.hasPart)))
            return codes, "true" if (area, RDF.type, KOPA.CrossRegionalArea) in g else "false"
    return "", ""


def _pilots(g: Graph) -> Iterable[Row]:
    for p in g.subjects(RDF.type, KOPA.Pilot):
        r2020, x2020 = _pilot_regions(g, p, "20200101")
        r2026, x2026 = _pilot_regions(g, p, "20260101")
        project, themes = _iris(g, p, DCTERMS.isPartOf), _iris(g, p, DCTERMS.subject)
        yield {"iri": str(p), "name_sv": _lit(g, p, SKOS.prefLabel, "sv"), "project": project,
               "project_name": _labels(g, project), "themes": themes, "theme_labels": _labels(g, themes),
               "regions_2020": r2020, "cross_regional_2020": x2020, "regions_2026": r2026,
               "cross_regional_2026": x2026, "source": _iris(g, p, DCTERMS.source)}


def _merger(g: Graph, o: Node) -> tuple[str, str]:
    """The organisation ``o`` merged into, and the day (org:changedBy → org:resultingOrganization, dct:date)."""
    for event in sorted(g.objects(o, ORG.changedBy), key=str):
        for resulting in g.objects(event, ORG.resultingOrganization):
            if resulting != o:
                return str(resulting), _lit(g, event, DCTERMS.date)
    return "", ""


def _organisations(g: Graph) -> Iterable[Row]:
    for o in g.subjects(RDF.type, ORG.Organization):
        code, uri2020 = _codes(g, o, "kunta_1_20200101")
        _, uri2026 = _codes(g, o, "kunta_1_20260101")
        parent = g.value(o, ORG.subOrganizationOf)
        site = g.value(o, ORG.hasSite)
        municipality = ""
        if site is not None:
            municipality = " ".join(sorted(_codes(g, m, "kunta_1_20200101")[0]
                                           for m in g.objects(site, DCTERMS.spatial)))
        kind = _iris(g, o, ORG.classification)
        merged_into, merged_on = _merger(g, o)
        yield {"iri": str(o), "name_sv": _lit(g, o, SKOS.prefLabel, "sv"), "name_fi": _lit(g, o, SKOS.prefLabel, "fi"),
               "type": kind, "type_name": _labels(g, kind), "kuntanumero": code, "kunta_2020_uri": uri2020,
               "kunta_2026_uri": uri2026, "business_id": _identifiers(g, o, "business-id"),
               "opintopolku_oid": _identifiers(g, o, "opintopolku-organisation-oid"),
               "institution_oid": _identifiers(g, o, "opintopolku-institution-oid"),
               "parent": str(parent) if parent else "", "parent_name": _label(g, parent) if parent else "",
               "parent_business_id": _identifiers(g, o, "business-id", KOPA.parentIdentifier),
               "municipality": municipality, "region_2020": _region(g, o, "20200101"),
               "region_2026": _region(g, o, "20260101"), "merged_into": merged_into,
               "merged_into_name": _labels(g, merged_into), "merged_on": merged_on}


def _memberships(g: Graph) -> Iterable[Row]:
    for m in g.subjects(RDF.type, ORG.Membership):
        collaboration, member, roles = _iris(g, m, ORG.organization), _iris(g, m, ORG.member), _iris(g, m, ORG.role)
        yield {"iri": str(m), "collaboration": collaboration, "collaboration_name": _labels(g, collaboration),
               "organisation": member, "organisation_name": _labels(g, member), "roles": roles,
               "role_names": _labels(g, roles), "as_written": _lit(g, m, KOPA.asWritten),
               "position": _lit(g, m, SCHEMA.position), "source": _iris(g, m, DCTERMS.source)}


def _contacts(g: Graph) -> Iterable[Row]:
    for post in g.subjects(RDF.type, ORG.Post):
        person = g.value(post, ORG.heldBy)
        pilots = " ".join(sorted(str(p) for p in g.subjects(SCHEMA.contactPoint, post)))
        organisation = _iris(g, post, ORG.postIn)
        yield {"post": str(post), "pilot": pilots, "pilot_names": _labels(g, pilots),
               "title": _lit(g, post, SKOS.prefLabel, "sv"), "person": str(person) if person else "",
               "name": _lit(g, person, FOAF.name) if person else "", "organisation": organisation,
               "organisation_name": _labels(g, organisation),
               "organisation_as_written": _lit(g, post, KOPA.asWritten), "position": _lit(g, post, SCHEMA.position),
               "source": _iris(g, post, DCTERMS.source)}


def _themes(g: Graph, theme_scheme: URIRef) -> Iterable[Row]:
    for t in g.subjects(SKOS.inScheme, theme_scheme):
        row = {"iri": str(t)}
        row.update({f"label_{lang}": _lit(g, t, SKOS.prefLabel, lang) for lang in LANGUAGES})
        row["broader"] = _iris(g, t, SKOS.broader)
        row["broader_labels"] = _labels(g, row["broader"])
        row.update({f"yso_{rel}": _iris(g, t, SKOS[f"{rel}Match"])
                    for rel in ("exact", "close", "broad", "narrow", "related")})
        yield row


_PILOTS, _ORGS, _THEMES = "pilots.csv", "organisations.csv", "themes.csv"
_IRI, _BOOL, _INT, _DATE = "anyURI", "boolean", "integer", "date"
#: Each table's key column (its rows are about the entity it names: CSVW aboutUrl).
KEYS = {"pilots.csv": "iri", "organisations.csv": "iri", "memberships.csv": "iri", "contacts.csv": "post",
        "themes.csv": "iri"}
TABLES: dict[str, tuple[str, list[Column]]] = {
    "pilots.csv": ("The pilots", [
        Column("iri", "IRI of the pilot", datatype=_IRI), Column("name_sv", "name as the article writes it (Swedish)"),
        Column("project", "IRI of the network project it is part of", datatype=_IRI),
        Column("project_name", "the project's name (Swedish)"),
        Column("themes", "IRIs of its themes", True, _IRI, _THEMES),
        Column("theme_labels", "their Swedish labels, in the same order", True),
        Column("regions_2020", "region (maakunta) codes of its members' municipalities, maakunta_1_20200101 (derived)",
               True),
        Column("cross_regional_2020", "true when those are more than one region (derived)", datatype=_BOOL),
        Column("regions_2026", "the same for today, maakunta_1_20260101 (derived)", True),
        Column("cross_regional_2026", "true when those are more than one region (derived)", datatype=_BOOL),
        Column("source", "the article line it is read from (RFC 5147 fragment)", True, _IRI)]),
    "organisations.csv": ("The organisations", [
        Column("iri", "IRI of the organisation", datatype=_IRI),
        Column("name_sv", "Swedish name (as the article writes it)"),
        Column("name_fi", "Finnish name where a reference file gives it"),
        Column("type", "IRI of its organisation type", datatype=_IRI),
        Column("type_name", "the type's name (Swedish)"),
        Column("kuntanumero", "municipality code (kunta_1_20200101), for municipalities"),
        Column("kunta_2020_uri", "code-list URI of the municipality in kunta_1_20200101", datatype=_IRI),
        Column("kunta_2026_uri", "code-list URI of the municipality in kunta_1_20260101 (empty: no longer exists)",
               datatype=_IRI),
        Column("business_id", "Business ID (Y-tunnus) a reference file gives for it", True),
        Column("opintopolku_oid", "Opintopolku organisation OID a reference file gives for it", True),
        Column("institution_oid", "Opintopolku institution (oppilaitos) OID", True),
        Column("parent", "IRI of the organisation it is part of", datatype=_IRI, refers=_ORGS),
        Column("parent_name", "the parent's name (Swedish)"),
        Column("parent_business_id", "the parent's Business ID, which a reference file gives for this unit", True),
        Column("municipality", "code of the municipality it is in, where known (derived)"),
        Column("region_2020", "region (maakunta) code in 2020, where known (derived)"),
        Column("region_2026", "region (maakunta) code today, where known (derived)"),
        Column("merged_into", "IRI of the organisation it has merged into since (municipal mergers)", datatype=_IRI),
        Column("merged_into_name", "that organisation's name (Swedish)"),
        Column("merged_on", "the day of the merger", datatype=_DATE)]),
    "memberships.csv": ("Who takes part in which pilot or project", [
        Column("iri", "IRI of the membership", datatype=_IRI),
        Column("collaboration", "IRI of the pilot or project", datatype=_IRI),
        Column("collaboration_name", "its name (Swedish)"),
        Column("organisation", "IRI of the member", datatype=_IRI, refers=_ORGS),
        Column("organisation_name", "the member's name (Swedish)"),
        Column("roles", "IRIs of its roles", True, _IRI), Column("role_names", "their names (Swedish)", True),
        Column("as_written", "the list item as the article writes it"),
        Column("position", "its place in the article's list", datatype=_INT),
        Column("source", "where it is stated", True, _IRI)]),
    "contacts.csv": ("Contact posts of the pilots", [
        Column("post", "IRI of the post", datatype=_IRI),
        Column("pilot", "IRI of the pilot it is a contact point of", True, _IRI, _PILOTS),
        Column("pilot_names", "their names (Swedish)", True),
        Column("title", "the title as written (Swedish)"),
        Column("person", "IRI of the person holding it (empty with --no-personal-data)", datatype=_IRI),
        Column("name", "the person's name (empty with --no-personal-data)"),
        Column("organisation", "IRI of the organisation the post is in", datatype=_IRI, refers=_ORGS),
        Column("organisation_name", "the organisation's name (Swedish)"),
        Column("organisation_as_written", "the organisation as the contact line writes it"),
        Column("position", "the title's place in the contact line", datatype=_INT),
        Column("source", "the article line", True, _IRI)]),
    "themes.csv": ("The themes and their YSO mappings", [
        Column("iri", "IRI of the theme", datatype=_IRI), Column("label_sv", "Swedish label"),
        Column("label_fi", "Finnish label"), Column("label_en", "English label"),
        Column("broader", "IRI of the broader theme", True, _IRI, _THEMES),
        Column("broader_labels", "its Swedish label", True),
        *(Column(f"yso_{rel}", f"YSO concepts it has skos:{rel}Match to", True, _IRI)
          for rel in ("exact", "close", "broad", "narrow", "related"))]),
}


def export_csv(g: Graph, theme_scheme: URIRef) -> dict[str, bytes]:
    """The CSV files and their CSVW metadata, by file name."""
    producers: dict[str, Callable[[], Iterable[Row]]] = {
        "pilots.csv": lambda: _pilots(g), "organisations.csv": lambda: _organisations(g),
        "memberships.csv": lambda: _memberships(g), "contacts.csv": lambda: _contacts(g),
        "themes.csv": lambda: _themes(g, theme_scheme)}
    files: dict[str, bytes] = {}
    tables = []
    for name, (title, columns) in TABLES.items():
        rows = sorted(producers[name](), key=lambda r: tuple(r.values()))
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=[c.name for c in columns], lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
        files[name] = buf.getvalue().encode("utf-8")
        tables.append(table_metadata(name, title, columns, KEYS[name], {t: KEYS[t] for t in TABLES}))
    files["csv-metadata.json"] = metadata_document(tables)
    return files


def write_csv_export(validated: Validated, out_dir: Path) -> list[Path]:
    """Write the CSV export of a validated graph to ``out_dir`` (new, empty, or an earlier CSV export, which
    it replaces at once when complete; :mod:`kopa_graph.rdfio.release`); return the files."""
    from kopa_graph.graph.iris import IRIs
    from kopa_graph.rdfio.release import CSV, new_release

    with new_release(out_dir, CSV, validated.data_dir, option="OUT_DIR") as release:
        files = export_csv(validated.graph, IRIs(validated.settings).themes())
        for name, data in files.items():
            release.put(name, data)
        release.switch()
    return [Path(out_dir) / name for name in sorted(files)]
