"""A command replaces an output folder only if it made it, and never writes into its own inputs.

The refusals run a real ``kopa-graph`` process in a copy of the checkout (src, data, shapes,
ontology, pyproject.toml), so that a regression damages the copy, never this working tree; the copy
is compared file by file (hashes, links, folders) before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SMALL, need_peer
from kopa_graph.cli import main

runner = CliRunner()
KOPA = "from kopa_graph.cli import run; run()"


def _tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a file's SHA-256, a link's text, or that it is a folder."""
    out = {}
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(here) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "folder"
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout whose kopa_graph finds its shipped data, shapes and ontology in the copy."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("src", "data", "shapes", "ontology"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _kopa(checkout: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", KOPA, "-q", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=300)


#: (arguments, the place in them that must be refused, what the message says about it). ``{root}`` is
#: the copy of the checkout, ``{link}`` a symbolic link to its data folder, made outside it.
REFUSED = {
    "site data": (["site", "data"], "data", "is the shipped source data folder"),
    "build --out data": (["build", "--out", "data"], "data", "is the shipped source data folder"),
    "build --out data/mappings": (["build", "--out", "data/mappings"], "data/mappings",
                                  "lies inside the shipped source data folder"),
    "build --out data/new (a fresh path)": (["build", "--out", "data/new"], "data/new",
                                            "lies inside the shipped source data folder"),
    "build --out a link to data": (["build", "--out", "{link}"], "{link}", "is the shipped source data folder"),
    "build --out a link to data, /mappings": (["build", "--out", "{link}/mappings"], "{link}/mappings",
                                              "lies inside the shipped source data folder"),
    "site . (the repository)": (["site", "."], ".", "is the repository"),
    "build --out the repository": (["build", "--out", "{root}"], "{root}", "is the repository"),
    "build --out its parent": (["build", "--out", "{root}/.."], "{root}/..", "contains the repository"),
    "site the article's folder": (["site", "data/sources"], "data/sources", "is the article's folder"),
    "build --out shapes": (["build", "--out", "shapes"], "shapes", "is the shapes folder"),
    "site ontology/": (["site", "ontology/"], "ontology", "is the ontology folder"),
    "export csv data/reference": (["export", "csv", "data/reference"], "data/reference",
                                  "lies inside the shipped source data folder"),
    "render -o the article": (["render", "-o", "data/sources/kopa-pilotforsok-sv.txt"],
                              "data/sources/kopa-pilotforsok-sv.txt", "lies inside the article's folder"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_never_writes_into_the_data_shapes_ontology_or_repository(checkout: Path, tmp_path: Path,
                                                                  case: str) -> None:
    args, place, says = REFUSED[case]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "to-data").symlink_to(checkout / "data")
    fill = {"{root}": str(checkout), "{link}": str(elsewhere / "to-data")}
    for key, value in fill.items():
        args = [a.replace(key, value) for a in args]
        place = place.replace(key, value)
    before, around = _tree(checkout), _tree(elsewhere)
    result = _kopa(checkout, args, cwd=checkout)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{place}: "), result.stderr
    assert says in result.stderr, result.stderr
    assert "kopa-graph never writes there" in result.stderr
    way_out = "a file outside these folders" if "render" in args else "a new or empty folder, or one kopa-graph made"
    assert way_out in result.stderr, result.stderr
    assert _tree(checkout) == before, "nothing in the checkout changed, and nothing was added"
    assert _tree(elsewhere) == around


def test_never_writes_into_a_folder_that_contains_the_data(checkout: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SMALL, project / "data")
    before = _tree(project)
    result = _kopa(checkout, ["build", "--data", str(project / "data"), "--out", str(project)], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{project}: it contains the source data folder ({project / 'data'})")
    assert _tree(project) == before


def _foreign(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "todo.txt").write_text("my own notes\n", encoding="utf-8")
    (folder / "kopa.ttl").write_text("# my own Turtle\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [["build", "--out"], ["site"], ["export", "csv"]], ids=" ".join)
def test_a_non_empty_folder_kopa_graph_did_not_make_is_refused(tmp_path: Path, command: list[str]) -> None:
    folder = _foreign(tmp_path)
    before = _tree(tmp_path)
    result = runner.invoke(main, [*command, str(folder), "--data", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{folder}: not replaced: it is not empty and kopa-graph did not make it")
    assert "move it away or give a new or empty folder" in result.stderr
    assert _tree(tmp_path) == before


def test_a_link_kopa_graph_did_not_make_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "empty")
    before = _tree(tmp_path)
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{tmp_path / 'out'}: not replaced: it is a symbolic link kopa-graph did not "
                                    f"make (to {tmp_path / 'empty'})")
    assert _tree(tmp_path) == before


def _marker(out: Path) -> dict[str, str]:
    marker = out.parent / f".{out.name}.releases" / ".kopa-graph"
    doc: dict[str, str] = json.loads(marker.read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize("given", ["fresh/deeper/out", "empty", "slash/"])
def test_a_new_or_empty_folder_is_accepted_and_marked(tmp_path: Path, given: str) -> None:
    if given == "empty":
        (tmp_path / "empty").mkdir()
    out = tmp_path / given.rstrip("/")
    for _ in range(2):  # the second time, over the folder it made
        result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path) + "/" + given])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == ["context.jsonld", "kopa.jsonld", "kopa.nt", "kopa.ttl",
                                                         "manifest.json"]
    assert _marker(out)["tool"] == "kopa-graph" and _marker(out)["holds"] == "build release"
    assert sorted(os.listdir(out.parent)) == sorted([out.name, f".{out.name}.releases"])


def test_a_folder_it_made_is_replaced_whole(built: Path) -> None:
    full = (built / "kopa.nt").read_bytes()
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(built), "--no-personal-data"])
    assert result.exit_code == 0, result.output
    assert (built / "kopa.nt").read_bytes() != full
    assert json.loads((built / "manifest.json").read_bytes())["profile"] == "no-personal-data"


def test_a_folder_holding_something_else_is_refused(built: Path) -> None:
    before = _tree(built.parent)
    result = runner.invoke(main, ["site", str(built), "--data", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{built}: not replaced: it holds a kopa-graph build release, not a site")
    assert _tree(built.parent) == before


@pytest.mark.parametrize("inside", ["out/csv", ".out.releases", ".out.releases/1", ".out.releases/1/csv"])
def test_never_writes_inside_another_output(built: Path, inside: str) -> None:
    before = _tree(built.parent)
    target = built.parent / inside
    result = runner.invoke(main, ["export", "csv", str(target), "--data", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{target}: "), result.stderr
    assert f"kopa-graph's releases of {built}" in result.stderr
    assert _tree(built.parent) == before


def test_the_link_is_relative_and_survives_moving_the_folder(tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--data", str(SMALL), "--out", str(tmp_path / "here" / "out")])
    assert result.exit_code == 0, result.output
    manifest = (tmp_path / "here" / "out" / "manifest.json").read_bytes()
    os.rename(tmp_path / "here", tmp_path / "moved")
    assert (tmp_path / "moved" / "out" / "manifest.json").read_bytes() == manifest


def _modes(root: Path) -> dict[str, str]:
    """Every folder and file kopa-graph made under ``root`` whose mode is not 0755 (folders) or 0644 (files)."""
    wrong = {}
    for here, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(here) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            expected = 0o755 if stat.S_ISDIR(mode) else 0o644
            if stat.S_IMODE(mode) != expected:
                wrong[str(path.relative_to(root))] = oct(stat.S_IMODE(mode))
    return wrong


def test_published_folders_and_files_are_world_readable_whatever_the_umask(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    for args in (["build", "--out", str(pub / "a" / "out")], ["site", str(pub / "b" / "www")],
                 ["export", "csv", str(pub / "c" / "csv")]):
        result = subprocess.run([sys.executable, "-c", KOPA, "-q", *args, "--data", str(SMALL)], capture_output=True,
                                text=True, check=False, preexec_fn=lambda: os.umask(0o077))
        assert result.returncode == 0, result.stderr
    assert (pub / "b" / "www" / "index.html").is_file()
    assert _modes(pub) == {}


@pytest.mark.parametrize("data", ["missing", "not conforming"])
def test_a_failed_first_run_leaves_nothing(tmp_path: Path, small_copy: Path, data: str) -> None:
    from conftest import break_beta

    if data == "missing":
        shutil.rmtree(small_copy)
    else:
        break_beta(small_copy)
    result = runner.invoke(main, ["build", "--data", str(small_copy), "--out", str(tmp_path / "new" / "out")])
    assert result.exit_code == (2 if data == "missing" else 1), result.output
    assert sorted(os.listdir(tmp_path)) == (["data"] if data != "missing" else [])


@pytest.mark.parametrize("command", [["build", "--out"], ["site"], ["export", "csv"]], ids=" ".join)
def test_links_planted_in_the_releases_folder_are_never_written_through(tmp_path: Path, command: list[str]) -> None:
    """Whoever can write beside OUT could plant ``.OUT.releases/.lock`` and ``.kopa-graph.tmp`` as links to a
    user's files: a run truncated the first to its process id and the second to the marker, and made them
    world-readable. It now refuses such a folder (exit 2) and writes nothing."""
    store = tmp_path / ".out.releases"
    store.mkdir()
    precious = {name: tmp_path / f"precious-{name}" for name in (".lock", ".kopa-graph.tmp", ".kopa-graph")}
    for name, target in precious.items():
        target.write_text(f"mine: {name}\n", encoding="utf-8")
        target.chmod(0o600)
        (store / name).symlink_to(target)
        before = _tree(tmp_path)
        result = runner.invoke(main, [*command, str(tmp_path / "out"), "--data", str(SMALL)])
        assert result.exit_code == 2, result.output
        assert f"{store / name} is not a file kopa-graph made" in result.stderr, result.stderr
        assert _tree(tmp_path) == before
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        (store / name).unlink()


def test_a_releases_folder_another_user_owns_is_refused(tmp_path: Path) -> None:
    """A release store another user owns could hold what that user planted: refused. Making one needs root,
    which CI is (a developer's machine skips it; CI, with KOPA_REQUIRE_PEERS, fails instead)."""
    need_peer(os.geteuid() == 0, "root, to make a folder another user owns", "run the tests as root, as CI does")
    store = tmp_path / ".out.releases"
    store.mkdir()
    os.chown(store, 65534, 65534)
    result = runner.invoke(main, ["build", "--out", str(tmp_path / "out"), "--data", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert "belongs to another user" in result.stderr
    assert list(store.iterdir()) == []


def test_render_never_replaces_a_file(tmp_path: Path, built: Path) -> None:
    """``render -o`` replaced any existing file: a README in the checkout, or the very Turtle it read."""
    graph = tmp_path / "g.ttl"
    shutil.copy(built / "kopa.ttl", graph)
    readme = tmp_path / "README.md"
    readme.write_text("my notes\n", encoding="utf-8")
    for target, extra in ((graph, ["--graph", str(graph)]), (readme, ["--data", str(SMALL)])):
        before = target.read_bytes()
        result = runner.invoke(main, ["render", *extra, "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"{target}: not replaced: the file exists, and kopa-graph never overwrites")
        assert target.read_bytes() == before
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    result = runner.invoke(main, ["render", "--data", str(SMALL), "-o", str(tmp_path / "link")])
    assert result.exit_code == 2 and not (tmp_path / "nowhere").exists()
    new = tmp_path / "new" / "pilots.txt"
    result = runner.invoke(main, ["render", "--graph", str(graph), "-o", str(new)])
    assert result.exit_code == 0, result.output
    assert new.read_text(encoding="utf-8") == runner.invoke(main, ["render", "--graph", str(graph)]).stdout
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert sorted(p.name for p in new.parent.iterdir()) == ["pilots.txt"]  # no temporary file left
