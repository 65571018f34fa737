"""Synthetic source data shaped like the real data, at any size, deterministic for a seed.

    python benchmarks/synth.py OUT --pilots 400 [--seed 1] [--invalid 0.01]

It writes a data folder that ``kopa-graph build --data OUT`` reads like the
shipped one, through the project's own pipeline: an article in the real
article's layout (title, introduction with stated totals, one block per pilot:
members with the lead organisation's role, keywords with education levels,
contact people with titles and organisation) is generated and then read with
``kopa-graph ingest``, which writes ``pilots.yaml`` and ``claims.yaml`` with
the article line of every fact. The real municipality codes, regions and
sub-regions come from the reference files; the other organisations (every
type of the organisation-type scheme) are made up, as are the people; the
keywords and titles are the real ones. Vocabularies, mappings and reference
files are copied from the shipped data.

``--invalid F`` leaves a fraction F of the pilots with a single member, which
the shapes reject (a pilot is a collaboration of at least two), so validation
has something to report at every size.

The organisations grow with the pilots (ten more municipalities than pilots,
up to all of them, and two made-up organisations per pilot). ``--size``
picks the pilot counts that give about 10k, 100k and 1M triples (``SIZES``,
measured with seed 1).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
from pathlib import Path

SIZES = {"10k": 45, "100k": 740, "1M": 8600}

FIRST = ["Aino", "Eero", "Helmi", "Ilkka", "Johanna", "Kalle", "Liisa", "Mikko", "Noora", "Olli", "Pirjo",
         "Risto", "Sanna", "Timo", "Ulla", "Veikko", "Anna", "Björn", "Carina", "Dan", "Elin", "Fredrik", "Greta",
         "Henrik", "Ida", "Jonas", "Karin", "Lars", "Maria", "Niklas"]
SYLLABLES = ["ka", "ko", "la", "lu", "ma", "mi", "na", "no", "pa", "pe", "ra", "ri", "sa", "si", "ta", "to", "va",
             "vi", "ha", "hu", "ju", "jo", "ke", "ki"]
ENDINGS = ["nen", "la", "lä", "sto", "mo", "ri", "berg", "ström", "lund", "vaara", "koski", "mäki"]
#: Made-up organisations of every type but municipality, with a Swedish and a Finnish name pattern.
MADE_UP = {
    "joint-authority-for-education": ("Samkommunen för utbildning {}", "{} koulutuskuntayhtymä"),
    "limited-company": ("{} Utbildning Ab", "{} Koulutus Oy"),
    "guarantee-company": ("Garantiaktiebolaget {} skola", "{} koulun Osakeyhtiö"),
    "university-of-applied-sciences": ("yrkeshögskolan {}", "{} ammattikorkeakoulu"),
    "municipal-enterprise": ("affärsverket {}", "liikelaitos {}"),
    "vocational-institution": ("yrkesinstitutet {}", "{} ammattiopisto"),
    "adult-education-centre": ("{} medborgarinstitut", "{} kansalaisopisto"),
    "folk-high-school": ("{} folkhögskola", "{} kansanopisto"),
    "joint-municipal-authority": ("{} näringsväsende", "{} elinkeinotoimen kuntayhtymä"),
}
COPIED = ["vocabularies", "mappings", "reference", "geo", "project.yaml"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _surname(rng: random.Random) -> str:
    return _word(rng) + rng.choice(ENDINGS)


def _municipalities(shipped: Path) -> list[dict[str, str]]:
    with (shipped / "reference" / "municipalities_2020.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def generate(out: Path, pilots: int, seed: int = 1, invalid: float = 0.0) -> None:
    """Write the data folder ``out``; it appears whole or not at all (written beside it, then renamed)."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    _generate(partial, pilots, seed, invalid)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)


def _generate(out: Path, pilots: int, seed: int, invalid: float) -> None:
    from kopa_graph.resources import default_data_dir
    from kopa_graph.source.load import load_source_data

    rng = random.Random(seed)
    shipped = default_data_dir()
    real = load_source_data(shipped)
    out.mkdir(parents=True)
    for name in COPIED:
        src = shipped / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, out / name)

    by_theme: dict[str, set[str]] = {}
    for p in real.pilots:
        for k in p.keywords:
            by_theme.setdefault(k.theme, set()).add(k.as_written)
    keywords = {theme: sorted(texts) for theme, texts in sorted(by_theme.items())}
    titles = sorted({t for p in real.pilots for c in p.contacts for t in c.titles})

    municipalities = [m for m in _municipalities(shipped) if "," not in m["name_sv"] and " och " not in m["name_sv"]]
    municipalities = rng.sample(municipalities, min(len(municipalities), 10 + pilots))
    municipalities.sort(key=lambda m: m["code"])
    orgs: list[tuple[str, str, str]] = []  # (id, type, Swedish name as the article writes it)
    lines = ["# Synthetic organisations (benchmarks/synth.py): the municipalities are real, the others made up.",
             "organisations:"]
    for m in municipalities:
        oid = f"m{m['code']}"
        orgs.append((oid, "municipality", m["name_sv"]))
        lines.append(f'  - {{id: {oid}, type: municipality, municipality_code: "{m["code"]}"}}')
    made_up = max(len(MADE_UP), pilots * 2)
    taken: set[str] = {m["name_sv"] for m in municipalities}
    types = sorted(MADE_UP)
    for i in range(made_up):
        kind = types[i % len(types)]
        while True:
            stem = _word(rng)
            sv, fi = (p.format(stem) for p in MADE_UP[kind])
            if sv not in taken:
                taken.add(sv)
                break
        oid = f"o{i:05d}"
        orgs.append((oid, kind, sv))
        lines += [f"  - id: {oid}", f"    type: {kind}", f"    name: {{sv: {sv}, fi: {fi}}}",
                  "    sources: [organisations-not-found]"]
    for oid, kind, sv in (("kuntaliitto", "association", "Finlands Kommunförbund"),
                          ("okm", "ministry", "undervisnings- och kulturministeriet")):
        lines += [f"  - id: {oid}", f"    type: {kind}", f"    name: {{sv: {sv}}}", "    sources: [project]"]
    (out / "organisations.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (shipped / "aliases.csv").open(encoding="utf-8") as f:  # the header only: the aliases name real ones
        header = [ln for ln in f if ln.startswith("#") or ln.startswith("name,")]
    (out / "aliases.csv").write_text("".join(header), encoding="utf-8")

    blocks, members_used = [], []
    names: set[str] = set()
    for n in range(pilots):
        size = 1 if rng.random() < invalid else rng.randint(2, 8)
        chosen = rng.sample(orgs, size)
        members_used.extend(chosen)
        members = [chosen[0][2] + " (ansvarsorganisation)"] + [o[2] for o in chosen[1:]]
        kws = [rng.choice(keywords[t]) for t in rng.sample(sorted(keywords), rng.randint(2, 5))]
        people = []
        for _ in range(rng.choice((1, 1, 1, 2))):
            name = f"{rng.choice(FIRST)} {_surname(rng)}"
            while name in names:  # one person, one pilot (see the note in benchmarks/README.md)
                name = f"{rng.choice(FIRST)} {_surname(rng)}"
            names.add(name)
            people.append(", ".join([name, *rng.sample(titles, rng.choice((1, 1, 2)))]))
        blocks.append((f"Område {n + 1:05d} {_word(rng)}", members, kws, people, chosen[0][2]))

    def join(items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]

    distinct = {o for o in members_used}
    municipal = sum(1 for o in distinct if o[1] == "municipality")
    joint = sum(1 for o in distinct if o[1] == "joint-authority-for-education")
    companies = sum(1 for o in distinct if o[1] == "limited-company")
    text = ["Pilotförsök inom nätverksprojektet Utbildning som tjänst (KOPA)", "",
            f"I nätverksprojektet Utbildning som tjänst deltar {pilots} regionala pilotförsök runt om i Finland. "
            "Pilotförsöken består av samarbetsområden som bildats av flera kommuner eller utbildningsanordnare. "
            f"Sammanlagt deltar {municipal} kommuner, {joint} samkommuner för utbildning och {companies} aktiebolag "
            "i projektets pilotgrupper. ", "", "Utbildning som tjänst -pilotförsöken:", ""]
    for i, (name, members, kws, people, org) in enumerate(blocks):
        if i:
            text += ["\u00a0", ""]
        text += [name, "", f"Organisationer som deltar: {join(members)}", "",
                 f"Nyckelord för utvecklingsarbetet: {join(kws)}", "",
                 f"Kontaktperson: {join(people)}, {org}", ""]
    article = out / "sources" / "kopa-pilotforsok-sv.txt"
    article.parent.mkdir()
    article.write_text("\n".join(text), encoding="utf-8")
    (out / "pilots.yaml").write_text("pilots: []\n", encoding="utf-8")
    (out / "claims.yaml").write_text("claims: []\n", encoding="utf-8")

    from kopa_graph.article.update import ingest

    ingest(article, out, out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pilots", type=int, help="number of pilots (or --size)")
    ap.add_argument("--size", choices=sorted(SIZES), help="10k, 100k or 1M triples")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invalid", type=float, default=0.0, help="fraction of pilots left with a single member")
    args = ap.parse_args()
    pilots = args.pilots or SIZES[args.size or "10k"]
    generate(args.out, pilots, args.seed, args.invalid)
    print(f"wrote {args.out}: {pilots} pilots (seed {args.seed}, invalid fraction {args.invalid})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
