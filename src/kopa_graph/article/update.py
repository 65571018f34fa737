"""Running ``kopa-graph ingest``: check an article against ``data/``, or write
what it says into the source data."""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kopa_graph.article.compare import Difference, differences, flatten
from kopa_graph.article.ingest import Ingested, ingest_article
from kopa_graph.article.writer import claims_yaml, pilots_yaml
from kopa_graph.errors import InputError
from kopa_graph.rdfio.staging import write_files
from kopa_graph.resources import default_data_dir
from kopa_graph.source.load import CLAIMS_FILE, ORGANISATIONS_FILE, PILOTS_FILE, load_source_data

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    ingested: Ingested
    changes: list[Difference]  # article versus the data as it was before
    written: dict[str, Path]


def check_article(article: Path, data_dir: Path | None = None) -> tuple[Ingested, list[Difference]]:
    """What ``article`` says versus ``data_dir`` (default: the shipped data); no file is written."""
    data = load_source_data(Path(data_dir) if data_dir else default_data_dir())
    ingested = ingest_article(article, data)
    diffs = differences(flatten(ingested.pilots, ingested.claims), flatten(data.pilots, data.claims))
    return ingested, diffs


def ingest(article: Path, data_dir: Path | None = None, out_dir: Path | None = None) -> IngestReport:
    """Read ``article`` and write pilots.yaml, claims.yaml and the article's copy into ``out_dir``.

    ``out_dir`` defaults to ``data_dir``; a different folder first receives a
    copy of ``data_dir``. Municipalities the article names that
    organisations.yaml does not list yet are appended to it. Nothing is written
    when the article cannot be read.
    """
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    out_dir = Path(out_dir) if out_dir else data_dir
    data = load_source_data(data_dir)
    ingested = ingest_article(article, data)
    changes = differences(flatten(ingested.pilots, ingested.claims), flatten(data.pilots, data.claims))
    if out_dir.resolve() != data_dir.resolve():
        if out_dir.exists() and any(out_dir.iterdir()):
            raise InputError(f"{out_dir}: the output folder is not empty; choose an empty or new folder, "
                             "or leave out --out to update the data folder in place")
        shutil.copytree(data_dir, out_dir, dirs_exist_ok=True)
    article_copy = data.article.file
    files = {
        PILOTS_FILE: pilots_yaml(ingested.pilots, f"data/{article_copy}").encode("utf-8"),
        CLAIMS_FILE: claims_yaml(ingested.claims).encode("utf-8"),
        article_copy: Path(article).read_bytes(),
    }
    if ingested.new_municipalities:
        text = (out_dir / ORGANISATIONS_FILE).read_text(encoding="utf-8").rstrip("\n")
        text += f"\n\n  # Municipalities added by `kopa-graph ingest` (named in {Path(article).name}).\n"
        text += "".join(f'  - {{id: {o.id}, type: municipality, municipality_code: "{o.municipality_code}"}}\n'
                        for o in ingested.new_municipalities)
        files[ORGANISATIONS_FILE] = text.encode("utf-8")
    if Path(article).resolve() == (out_dir / article_copy).resolve():
        del files[article_copy]
    with tempfile.TemporaryDirectory() as tmp:  # what is written must load and check cleanly first
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        write_files(trial, files)
        load_source_data(trial)
    written = write_files(out_dir, files)
    log.info("wrote %s", ", ".join(str(p) for p in written.values()))
    return IngestReport(ingested, changes, written)
