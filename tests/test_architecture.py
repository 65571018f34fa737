"""The architecture contracts of docs/architecture.md (``[tool.importlinter]`` in pyproject.toml) hold, and
they would catch a breach: each is shown broken on a copy of the package with one forbidden import added."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)} if pythonpath else dict(os.environ)
    return subprocess.run([str(LINT), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_architecture_contracts_hold() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


BREACHES = {
    # file of the copy → the import added, and the contract it breaks
    "rdfio/engine.py": ("import kopa_graph.publish.site.build", "The stages are layers"),
    "publish/site/pages.py": ("import kopa_graph.source.model", "Publishing never reads the source data"),
    "query/helpers.py": ("import httpx", "Only the triplestore client makes HTTP requests"),
}


def test_each_contract_catches_a_breach(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "kopa_graph"
    shutil.copytree(ROOT / "src" / "kopa_graph", copy, ignore=shutil.ignore_patterns("__pycache__"))
    for name, (line, _) in BREACHES.items():
        path = copy / name
        text = path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("from __future__ import annotations\n")
        path.write_text(head + sep + line + "  # noqa\n" + rest, encoding="utf-8")
    result = _lint(tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 3 broken." in result.stdout, result.stdout
    broken = result.stdout.split("Broken contracts")[1]
    for name, (line, contract) in BREACHES.items():
        module = "kopa_graph." + name.removesuffix(".py").replace("/", ".")
        imported = line.split()[-1]
        assert contract in broken and f"{module} -> {imported}" in broken, (contract, result.stdout)


#: The modules that may make HTTP requests (docs/architecture.md): the triplestore client, incremental publish,
#: and the remote store serve fronts.
HTTP_CLIENTS = ("kopa_graph.publish.triplestore", "kopa_graph.publish.graphstore", "kopa_graph.publish.incremental",
                "kopa_graph.publish.remote")
HTTP_LIBRARIES = ("httpx", "requests", "urllib3", "aiohttp")


def test_the_http_contract_covers_every_module_but_the_clients() -> None:
    """The contract one-http-client names the modules that may not import an HTTP library, so a module it does
    not name would escape it: every module is named by it (as itself or inside a named package), or is one of
    :data:`HTTP_CLIENTS`, or is a package's ``__init__`` above a client that imports no HTTP library itself."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in contracts["contracts"] if c["id"] == "one-http-client")
    assert sorted(contract["forbidden_modules"]) == sorted(HTTP_LIBRARIES)

    def within(module: str, names: Iterator[str] | tuple[str, ...] | list[str]) -> bool:
        return any(module == n or module.startswith(n + ".") for n in names)

    escaped = []
    for path in sorted(SRC.rglob("*.py")):
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
        if within(module, contract["source_modules"]) or within(module, HTTP_CLIENTS):
            continue
        above_a_client = path.name == "__init__.py" and any(c.startswith(module + ".") for c in HTTP_CLIENTS)
        imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                    if isinstance(node, (ast.Import, ast.ImportFrom))
                    for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
        if not above_a_client or imported & set(HTTP_LIBRARIES):
            escaped.append(module)
    assert not escaped, f"add these to the one-http-client contract's source_modules (pyproject.toml): {escaped}"


def _mints_from_base(call: ast.Call) -> bool:
    """``URIRef(...)`` built from the settings' base IRIs (an f-string or a concatenation naming one)."""
    if getattr(call.func, "id", getattr(call.func, "attr", None)) != "URIRef" or not call.args:
        return False
    arg = call.args[0]
    if not isinstance(arg, (ast.JoinedStr, ast.BinOp)):
        return False
    return any(isinstance(n, ast.Attribute) and n.attr in ("id_base", "base_iri") for n in ast.walk(arg))


SRC = ROOT / "src" / "kopa_graph"


def _nodes(*skip: str) -> Iterator[tuple[Path, ast.AST]]:
    """Every AST node of the package's modules, with its module (``skip``: paths relative to the package)."""
    for path in sorted(SRC.rglob("*.py")):
        if str(path.relative_to(SRC)) not in skip:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                yield path, node


def test_only_the_iris_module_mints_iris_under_the_base() -> None:
    """docs/architecture.md: an IRI under the publisher's base is made in kopa_graph.graph.iris and nowhere
    else (the dataset description built its own six)."""
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}" for path, node in _nodes("graph/iris.py")
             if isinstance(node, ast.Call) and _mints_from_base(node)]
    assert found == []
    # and the check sees one: the line the dataset description had
    assert _mints_from_base(ast.parse('URIRef(settings.id_base + "dataset/kopa")').body[0].value)  # type: ignore[attr-defined]


def test_media_types_are_named_in_the_format_table_only() -> None:
    """The format table (kopa_graph.rdfio.formats) is the one place a format's media type or EU file type is
    written: no other module has it as a string of its own (there were seven tables of formats)."""
    from kopa_graph.rdfio.formats import EU_FILE_TYPE, FORMATS, RESULTS_FORMATS, ZIP

    media = {f.media_type for f in FORMATS.values()} | {f.media_type for f in RESULTS_FORMATS.values()} | {
        ZIP.media_type}
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for path, node in _nodes("rdfio/formats.py")
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and (node.value in media or node.value.startswith(EU_FILE_TYPE))]
    assert found == []


def _calls(name: str) -> list[str]:
    return [f"{path.relative_to(SRC)}:{node.lineno}" for path, node in _nodes()
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name]


def test_a_validated_graph_is_made_only_by_validate_source() -> None:
    """docs/api.md: only pipeline.validate_source makes a Validated graph, after validating it."""
    assert [c.split(":")[0] for c in _calls("Validated")] == ["pipeline.py"]


def test_the_languages_are_listed_in_one_place() -> None:
    """kopa_graph.languages is the one list of languages: no other module writes the three codes as a list."""
    src = ROOT / "src" / "kopa_graph"
    found = [f"{path.relative_to(src)}:{node.lineno}" for path in sorted(src.rglob("*.py"))
             if path != src / "languages.py"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, (ast.Tuple, ast.List, ast.Set))
             and {getattr(e, "value", None) for e in node.elts} >= {"sv", "fi", "en"}]
    assert found == []


_MARKUP = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)(\s|>|/>)|^\s*(server|location|RewriteRule|<IfModule)\b", re.M)


def _markup_in_code(source: str) -> list[int]:
    """The lines of string literals (docstrings aside) that hold HTML, SVG or XML tags or server directives."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and _MARKUP.search(node.value)]


def test_what_people_read_is_written_in_templates() -> None:
    """docs/architecture.md: HTML, SVG, the sitemap and the server configurations are Jinja2 templates
    (publish/templates); no Python module writes tags. Exempt: the W3C SPARQL results XML (query/writers.py,
    a machine format written per row) and the lexer's patterns."""
    src = ROOT / "src" / "kopa_graph"
    exempt = {src / "query" / "writers.py", src / "query" / "lexer.py"}
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted(src.rglob("*.py")) if path not in exempt
             for line in _markup_in_code(path.read_text(encoding="utf-8"))]
    assert found == []
    # and the check sees what pages.py, graphics.py and build.py wrote before the templates
    assert _markup_in_code("x = f'<h1{tattr}>{esc(title)}</h1>'") == [1]
    assert _markup_in_code("x = '<rect x=\"1\"/>'") == [1]
    assert _markup_in_code('x = """\\nlocation /doc/ {\\n}"""') == [1]
    assert _markup_in_code('def f():\n    """A <b>docstring</b>."""') == []
    templates = {p.name for p in (src / "publish" / "templates").iterdir()}
    assert {"page.html.j2", "resource.html.j2", "index.html.j2", "network.svg.j2", "matrix.svg.j2",
            "article.html.j2", "ontology.html.j2", "shapes.html.j2", "sitemap.xml.j2", "406.html.j2",
            "nginx.conf.j2", "htaccess.j2", "conneg.js.j2", "style.css"} <= templates


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    """Issue 16's figures, kept: every module of the package at most 400 lines (a command module of cli/ at most
    300), every function at most 60 lines from its def to its last line (a nested function counts in both)."""
    src = ROOT / "src" / "kopa_graph"
    long_modules, long_functions = [], []
    for path in sorted(src.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        limit = 300 if path.parent.name == "cli" else 400
        if len(text.splitlines()) > limit:
            long_modules.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines (at most {limit})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > 60:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert long_modules == [] and long_functions == []


#: Where RDF is parsed or written outside kopa_graph.rdfio (README: the engine seam): query answers, each by
#: pyoxigraph, in the query worker, the store client and the paged read-back, and the SHACL report's Turtle.
RDF_TEXT_OUTSIDE_RDFIO = {"src/kopa_graph/query/worker.py", "src/kopa_graph/publish/remote.py",
                          "src/kopa_graph/publish/graphstore/paged.py", "src/kopa_graph/validation/validate.py"}


def test_rdf_is_parsed_and_written_in_rdfio_and_the_listed_places_only() -> None:
    """A call of ``parse``/``serialize`` on pyoxigraph, or ``serialize``/``parse`` on an rdflib graph, outside
    kopa_graph.rdfio is in one of :data:`RDF_TEXT_OUTSIDE_RDFIO`, and each of those still has one."""
    src = ROOT / "src" / "kopa_graph"
    found = set()
    for path in sorted(src.rglob("*.py")):
        if path.parent.name == "rdfio":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("parse", "serialize"):
                base = ast.unparse(node.func.value)
                keywords = {k.arg for k in node.keywords}
                if base in ("ox", "pyoxigraph") or "format" in keywords:
                    found.add(str(path.relative_to(ROOT)))
    assert found == RDF_TEXT_OUTSIDE_RDFIO
