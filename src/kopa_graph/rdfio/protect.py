"""What no output may touch: the folders kopa-graph reads from, and the releases of another output.

:func:`refuse_protected` is the one check every writer runs before it makes anything
(:mod:`kopa_graph.rdfio.release` for folders, :func:`~kopa_graph.rdfio.release.write_new_file` for a file).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kopa_graph.errors import OutputRefused

#: The marker file in a folder of releases: kopa-graph made the folder, and it says of what kind.
MARKER = ".kopa-graph"


def target(out: Path) -> Path:
    """OUT as an absolute path: the links in its folder resolved, its last part kept (it may be the link this
    module switches). ``.``, ``..`` and a trailing ``/`` mean the folder they name."""
    given = Path(out)
    return given.resolve() if given.name in ("", ".", "..") else given.parent.resolve() / given.name


@dataclass(frozen=True)
class _Guarded:
    what: str
    path: Path
    inside_too: bool  # writing inside it is refused too (not so for the repository: out/ is there)


def protected_folders(data_dir: Path | None) -> list[_Guarded]:
    """The folders no output may be, contain or (but for the repository and the current folder) lie inside:
    the repository of a checkout, the current folder, the article's folder, the source data read and the
    shipped one, the shapes and the ontology; links resolved."""
    from kopa_graph import resources

    shipped = resources.default_data_dir().resolve()
    guarded = []
    if (shipped.parent / "pyproject.toml").is_file():
        guarded.append(_Guarded("the repository", shipped.parent, False))
    with contextlib.suppress(OSError):
        guarded.append(_Guarded("the current folder", Path.cwd().resolve(), False))
    data = [_Guarded("the source data folder", Path(data_dir).resolve(), True)] if data_dir else []
    data.append(_Guarded("the shipped source data folder", shipped, True))
    for folder in data:
        article = _article_folder(folder.path)
        if article is not None:
            guarded.append(_Guarded("the article's folder", article, True))
    guarded += data
    guarded.append(_Guarded("the shapes folder", resources.share_dir("shapes").resolve(), True))
    guarded.append(_Guarded("the ontology folder", resources.ontology_path().parent.resolve(), True))
    return guarded


def _article_folder(data_dir: Path) -> Path | None:
    import yaml

    try:
        project = yaml.safe_load((data_dir / "project.yaml").read_text(encoding="utf-8"))
        return (data_dir / str(project["article"]["file"])).parent.resolve()
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError):
        return None  # loading the data reports what is wrong with it


def refuse_taken(out: Path, data_dir: Path | None = None, option: str = "-o") -> None:
    """Refuse a file output that exists already or lies where :func:`refuse_protected` forbids."""
    refuse_protected(out, data_dir, option)
    if os.path.lexists(out):
        raise OutputRefused(f"{out}: not replaced: the file exists, and kopa-graph never overwrites a file; remove "
                            f"it first, or give {option} a new name")


def refuse_protected(out: Path, data_dir: Path | None, option: str = "--out") -> None:
    """Raise :class:`OutputRefused` if ``out`` (or where it leads) is, contains or lies inside a protected
    folder (:func:`protected_folders`), or lies inside the releases of another output."""
    place = target(out)
    way = (f"Give {option} a file outside these folders." if option == "-o" else
           f"Give {option} a new or empty folder, or one kopa-graph made, outside these folders.")
    if not place.name:
        raise OutputRefused(f"{out}: it is the root of the file system; kopa-graph never writes there. {way}")
    seen = (place, place.resolve())
    guarded = protected_folders(data_dir)
    for relation in ("is", "contains", "lies inside"):  # the closest relation, then the nearest folder
        for g in sorted(guarded, key=lambda g: len(g.path.parts), reverse=relation == "lies inside"):
            if any(_relation(path, g) == relation for path in seen):
                raise OutputRefused(f"{out}: it {relation} {g.what} ({g.path}); kopa-graph never writes there. {way}")
    for folder in (place, *place.parents):
        found = re.fullmatch(r"\.(.+)\.releases", folder.name)
        if found and os.path.isfile(folder / MARKER):
            relation = "is" if folder == place else "lies inside"
            raise OutputRefused(f"{out}: it {relation} kopa-graph's releases of {folder.parent / found.group(1)} "
                                f"({folder}); kopa-graph never writes there. {way}")


def _relation(path: Path, g: _Guarded) -> str | None:
    if path == g.path:
        return "is"
    if g.path.is_relative_to(path):
        return "contains"
    if g.inside_too and path.is_relative_to(g.path):
        return "lies inside"
    return None
