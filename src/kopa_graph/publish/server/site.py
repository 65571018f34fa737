"""The static site under ``kopa-graph serve``: every file of it at the address it has in a deployment, and the
answers nginx and Apache give from the rules ``site`` writes (:mod:`kopa_graph.publish.conneg`).

- ``/`` is the index page in the reader's language (``Accept-Language``, :func:`conneg.choose_language`).
- ``/id/X`` is a 303 to ``/doc/X`` (or ``/doc/X.fi.html`` for a Finnish reader's browser), with
  ``Link: rel="describedby"``; ``/doc/X`` is negotiated among ``X.html``, ``X.ttl``, ``X.jsonld``, ``X.nt``.
- ``/ontology`` and ``/shapes`` (the ontology's and the shapes' hash IRIs) are negotiated between their page
  and their Turtle; ``/.well-known/void`` is Turtle.
- Anything else is the site's file at that path (a folder's ``index.html``); ``_config/`` is never served.
- What is not there is 404: the site's styled page, in the reader's language, for a browser (an ``Accept``
  naming ``text/html``), and the JSON error shape for any other client.
"""

from __future__ import annotations

import mimetypes
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from kopa_graph.languages import LANGUAGES
from kopa_graph.publish import conneg
from kopa_graph.publish.server.protocol import error
from kopa_graph.rdfio.formats import FORMATS

if TYPE_CHECKING:
    from kopa_graph.publish.server.app import ServerState

#: The media type of each extension the site's files have, where it is not the system's guess.
_TYPES = {f".{r.extension}": r.media_type for r in conneg.REPRESENTATIONS}
#: The negotiated addresses of the ontology and the shapes: (page folder, Turtle file).
NEGOTIATED = {"ontology": ("ontology", "ontology/kopa.ttl"), "shapes": ("shapes", "shapes/kopa-shapes.ttl")}


def _state(request: Request) -> ServerState:
    return request.app.state.kopa  # type: ignore[no-any-return]


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system cannot even look up (too long, ...) is none."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def inside(root: Path, path: str) -> Path | None:
    """``root/path`` if it stays inside ``root`` (no ``..``, no absolute path, no NUL), else None."""
    if ".." in path.split("/") or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    try:
        found, top = (root / path).resolve(), root.resolve()
    except (OSError, ValueError):
        return None
    return found if str(found).startswith(str(top) + "/") else None


def media_type(path: Path) -> str:
    if path.name == "void" and path.parent.name == ".well-known":
        return FORMATS["turtle"].media_type
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def not_found(request: Request) -> Response:
    """404: the site's page in the reader's language for a browser, the JSON error shape for other clients."""
    if conneg.wants_html(request.headers.get("accept")):
        lang = conneg.choose_language(request.headers.get("accept-language"))
        page = _state(request).site / "_config" / f"404{conneg.lang_suffix(lang)}.html"
        if _is_file(page):
            return Response(page.read_bytes(), status_code=404, media_type="text/html; charset=utf-8",
                            headers={"Vary": conneg.VARY_LANGUAGE})
    return error(404, "not found", {"Vary": conneg.VARY_LANGUAGE})


async def identify(request: Request) -> Response:
    path = request.path_params["path"]
    target = conneg.id_target(urllib.parse.quote(path, safe="/"), request.headers.get("accept"),
                              request.headers.get("accept-language"))
    doc = urllib.parse.quote(f"/doc/{path}", safe="/")
    return RedirectResponse(target, status_code=303,
                            headers={"Vary": conneg.VARY_LANGUAGE, "Link": conneg.describedby(doc)})


def _has_ext(path: str) -> bool:
    return path.endswith(tuple(f".{r.extension}" for r in conneg.REPRESENTATIONS))


async def document(request: Request) -> Response:
    state = _state(request)
    if state.release is not None:  # serve --sparql-endpoint: the page is made from the store
        from kopa_graph.publish.server.store_pages import document_page

        made = await document_page(request, state, state.release)
        if made is not None:
            return made
    path = request.path_params["path"]
    base = inside(state.site / "doc", path)
    if base is None:
        return not_found(request)
    stem = path.rsplit(".", 1)[0] if _has_ext(path) else path
    if path.endswith(".html"):  # X.fi.html is a representation of X too
        for suffix in filter(None, map(conneg.lang_suffix, LANGUAGES)):
            stem = stem.removesuffix(suffix)
    headers = {"Link": conneg.link_header(urllib.parse.quote(f"/doc/{stem}", safe="/"))}
    if _has_ext(path):
        return FileResponse(base, media_type=media_type(base), headers=headers) if _is_file(base) else \
            not_found(request)
    if not _is_file(Path(f"{base}.html")):  # no such document: 404 whatever the Accept, as nginx and Apache
        return not_found(request)
    chosen = conneg.choose(request.headers.get("accept"))
    headers["Vary"] = "Accept"
    if chosen is None:  # as nginx's and Apache's 406: Vary, no Link
        return _not_acceptable(state, {"Vary": "Accept"})
    target = Path(f"{base}.{chosen.extension}")
    if not _is_file(target):
        return not_found(request)
    return FileResponse(target, media_type=chosen.media_type, headers=headers)


def _not_acceptable(state: ServerState, headers: dict[str, str]) -> Response:
    return Response((state.site / "_config" / "406.html").read_bytes(), status_code=406,
                    media_type="text/html; charset=utf-8", headers=headers)


async def index(request: Request) -> Response:
    lang = conneg.choose_language(request.headers.get("accept-language"))
    page = _state(request).site / f"index{conneg.lang_suffix(lang)}.html"
    return FileResponse(page, media_type="text/html", headers={"Vary": "Accept-Language"})


async def negotiated(request: Request) -> Response:
    """``/ontology`` and ``/shapes``: the page (HTML) or the Turtle, as the client's ``Accept`` chooses."""
    state = _state(request)
    folder, turtle = NEGOTIATED[request.url.path.strip("/")]
    available = tuple(r for r in conneg.REPRESENTATIONS if r.extension in ("html", FORMATS["turtle"].suffix))
    chosen = conneg.choose(request.headers.get("accept"), available)
    if chosen is None:
        return _not_acceptable(state, {"Vary": "Accept"})
    path = state.site / (f"{folder}/index.html" if chosen.extension == "html" else turtle)
    return FileResponse(path, media_type=chosen.media_type, headers={"Vary": "Accept"})


def servable(root: Path, path: str) -> Path | None:
    """The site's file at ``path``, if it may be served: the path as written is the file's own (no ``.``
    segment or doubled slash to reach a file by another name), and the file is none of the web server's
    own (``_config/``, an Apache type map ``.var``, an Apache ``.ht*`` file)."""
    found = inside(root, path)
    if found is None or not _is_file(found):
        return None
    rel = found.relative_to(root.resolve())
    if rel.as_posix() != path or rel.parts[0] == "_config" or rel.suffix == ".var" or rel.name.startswith(".ht"):
        return None
    return found


async def site_file(request: Request) -> Response:
    """Any other file of the site at its path; a folder's ``index.html``; never ``_config/``, ``.var`` or
    ``.ht*`` files, whatever the path says (:func:`servable`)."""
    path = request.path_params["path"]
    if path.endswith("/") or path == "":
        path += "index.html"
    found = servable(_state(request).site, path)
    return not_found(request) if found is None else FileResponse(found, media_type=media_type(found))
