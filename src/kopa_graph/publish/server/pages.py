"""The pages ``kopa-graph serve`` writes for browsers, in the site's page frame (:func:`site_pages.page`):

- ``/sparql`` asked for by a browser (GET, no ``query``, ``Accept`` naming ``text/html``): the query editor,
  YASGUI (vendored in ``publish/static/yasgui``, see its README), with a tab for each query helper (its
  example parameters filled in) and the project's prefixes. Its page alone may run scripts
  (:data:`conneg.CSP_EDITOR`). Every other client of a plain GET ``/sparql`` gets the service description.
- ``/queries`` and ``/queries/NAME`` asked for by a browser: the list of helpers, and a helper's page as
  Datasette shows a canned query: a form for its parameters (sent back by GET, :data:`conneg.CSP_FORM`), its
  answer as a table, and links to the same answer as ``.json``, ``.csv`` and ``.tsv``.
- ``/static/...``: the editor's script and style sheet, from the package.
"""

from __future__ import annotations

import json
import urllib.parse
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kopa_graph.publish import conneg
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.templating import Markup, fragment
from kopa_graph.query.evaluate import QueryError, with_values
from kopa_graph.query.helpers import Helper, bindings, helpers, rebase
from kopa_graph.rdfio.formats import RESULTS_FORMATS
from kopa_graph.rdfio.namespaces import prefixes_for

if TYPE_CHECKING:
    from kopa_graph.publish.server.app import ServerState

#: The files under ``/static/``: the vendored editor and the script that starts it.
STATIC = {"yasgui/yasgui.min.js": "text/javascript", "yasgui/yasgui.min.css": "text/css",
          "kopa-editor.js": "text/javascript", "kopa-editor.css": "text/css"}
#: The answer formats a helper's page links to (``/queries/NAME.json`` ...).
HELPER_FORMATS = ("json", "csv", "tsv")


def _ui(request: Request) -> tuple[str, dict[str, str]]:
    lang = conneg.choose_language(request.headers.get("accept-language"))
    return lang, messages(lang)["frontend"]


def _page(request: Request, title: str, here: str, body: str, csp: str, status: int = 200) -> Response:
    lang, _ = _ui(request)
    html = site_pages.page(title, None, lang, here, body, [], None, None, csp=conneg.meta_policy(csp))
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": csp,
                                                           "Vary": conneg.VARY_LANGUAGE})


async def static(request: Request) -> Response:
    name = request.path_params["path"]
    if name not in STATIC:
        from kopa_graph.publish.server.site import not_found

        return not_found(request)
    data = files("kopa_graph.publish").joinpath("static", *name.split("/")).read_bytes()
    return Response(data, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=86400"})


def example_query(h: Helper, state: ServerState) -> str:
    """A helper's query with its example parameters bound, as the editor's tab shows it."""
    examples: dict[str, object] = {p.name: p.example for p in h.params if p.example and p.example != "-"}
    try:
        init = bindings(h, examples)
    except QueryError:  # an example that does not fit its type: the query as it is, unbound
        init = {}
    return with_values(rebase(h.text, state.settings), init)


def editor(request: Request, state: ServerState) -> Response:
    _, t = _ui(request)
    config = {"endpoint": "/sparql", "prefixes": prefixes_for(state.settings.id_base),
              "tabs": [{"name": h.name, "query": example_query(h, state)} for h in helpers().values()],
              "labels": {"endpoint": t["editor_endpoint"], "query": t["editor_query"],
                         "rows": t["editor_rows"]}}
    # "<" only in a JSON string: written \u003c, nothing in it can end the script element
    text = json.dumps(config, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    body = fragment("editor.html.j2", t=t, static="/static", config=Markup(text))
    return _page(request, t["editor"], "sparql", body, conneg.CSP_EDITOR)


def helper_list(request: Request) -> Response:
    _, t = _ui(request)
    body = fragment("queries.html.j2", t=t, helpers=list(helpers().values()))
    return _page(request, t["queries"], "queries", body, conneg.CSP)


def _cell(value: dict[str, Any] | None, id_base: str) -> dict[str, str | None]:
    if value is None:
        return {"text": "", "href": None, "lang": None}
    text = value.get("value", "")
    if value.get("type") == "uri":
        href = "/id/" + text[len(id_base):] if text.startswith(id_base) else text
        return {"text": text, "href": href if href.startswith(("/", "http://", "https://")) else None, "lang": None}
    return {"text": text, "href": None, "lang": value.get("xml:lang")}


async def helper_page(request: Request, state: ServerState, h: Helper) -> Response:
    """A helper's form and, once its required parameters are given, its answer as a table."""
    from kopa_graph.publish.server.protocol import run

    _, t = _ui(request)
    given: dict[str, object] = {k: v for k, v in request.query_params.items() if v != ""}  # an empty field: unset
    params = [{"name": p.name, "required": p.required, "example": p.example, "value": given.get(p.name, "")}
              for p in h.params]
    columns: list[str] | None = None
    rows: list[list[dict[str, str | None]]] = []
    problem, status, retry = None, 200, None
    unknown = {k: v for k, v in request.query_params.items() if k not in {p.name for p in h.params}}
    if unknown or all(given.get(p.name) for p in h.params if p.required):
        try:
            text = with_values(rebase(h.text, state.settings), bindings(h, {**given, **unknown}))
        except QueryError as exc:
            problem, status = str(exc), 400
        else:
            answer = await run(state, text, request, RESULTS_FORMATS["json"].media_type)
            result = json.loads(bytes(answer.body))
            if answer.status_code != 200:  # the endpoint's own status (413 too many rows, 503 busy ...)
                problem, status = result.get("error", str(answer.status_code)), answer.status_code
                retry = answer.headers.get("retry-after")
            else:
                columns = result["head"]["vars"]
                rows = [[_cell(b.get(c), state.settings.id_base) for c in columns]
                        for b in result["results"]["bindings"]]
    query = urllib.parse.urlencode([(k, v) for k, v in request.query_params.multi_items()])
    formats = [(ext, f"/queries/{h.name}.{ext}" + (f"?{query}" if query else "")) for ext in HELPER_FORMATS]
    body = fragment("query.html.j2", t=t, helper_name=h.name, title=h.title, description=h.description, params=params,
                    columns=columns, rows=rows, error=problem, formats=formats, text=h.text)
    page = _page(request, h.title, f"queries/{h.name}", body, conneg.CSP_FORM, status)
    if status == 503 and retry:
        page.headers["Retry-After"] = retry
    return page
