"""The README stays true: its quick start is what CI runs, its help text is
the command's, and every command is documented (as sqlite-utils' test_docs)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kopa_graph.cli import main
from kopa_graph.graph.build import BuiltGraph

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the quick start has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2, commands
    assert "kopa-graph build" in commands[0]
    assert "pytest" in commands[1] and "[test]" in commands[1]


def test_ci_runs_the_quick_start_commands_verbatim() -> None:
    ci_lines = [line.strip() for line in CI.splitlines()]
    for command in _quick_start():
        assert command in ci_lines, f"{command!r} is not a line of .ci/run"


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="kopa-graph", terminal_width=80)
    assert result.exit_code == 0
    return result.stdout.rstrip()


@pytest.mark.parametrize("args", [[], *[[c] for c in sorted(main.commands)]], ids=lambda a: " ".join(a) or "main")
def test_readme_shows_the_real_help(args: list[str]) -> None:
    shown = f"$ kopa-graph {' '.join([*args, '--help'])}\n{_help(args)}\n```"
    assert shown in README, f"README's help for {args or 'kopa-graph'} is out of date; paste:\n{_help(args)}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_a_readme_section(command: str) -> None:
    assert f"### `kopa-graph {command}`" in README


def test_readme_build_output_is_the_real_one(shipped_built: BuiltGraph) -> None:
    assert f"Built {len(shipped_built.graph)} triples; conforms to the shapes." in README


def test_readme_site_output_is_the_real_one(tmp_path: Path) -> None:
    """The page and resource counts of the README's `kopa-graph site` example are today's (they were stale)."""
    result = CliRunner().invoke(main, ["site", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    said = re.search(r"Wrote (\d+) pages for (\d+) resources to site\.", README)
    real = re.search(r"Wrote (\d+) pages for (\d+) resources to ", result.stdout)
    assert said and real and said.groups() == real.groups(), (said and said.group(0), result.stdout)


def test_security_md_names_tests_that_exist() -> None:
    """SECURITY.md says which test holds each promise: every test it names must exist."""
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"`(?:tests/)?(test_\w+\.py)?::(\w+)`|`(?:tests/)?(test_\w+\.py)`", text)
    assert len(named) > 15
    current = ""
    for file, function, whole in named:
        file = file or whole or current
        current = file
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        if function:
            assert f"def {function}(" in source, f"SECURITY.md names {file}::{function}, which does not exist"


def _python_blocks(doc: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)


@pytest.mark.slow
@pytest.mark.parametrize("doc", ["README.md", "docs/api.md"])
def test_the_library_examples_run_and_print_what_they_say(doc: str, tmp_path: Path) -> None:
    """Every Python example of the README and docs/api.md runs as written, in a fresh process and an empty
    folder; where it ends with comment lines, those are what it prints."""
    blocks = _python_blocks(ROOT / doc)
    assert blocks, f"{doc} has no Python example"
    for code in blocks:
        lines = code.rstrip("\n").split("\n")
        expected = []
        while lines and lines[-1].startswith("# "):
            expected.insert(0, lines.pop()[2:])
        result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{doc}:\n{code}\n{result.stderr[-2000:]}"
        if expected:
            assert result.stdout.splitlines() == expected, (doc, result.stdout)
