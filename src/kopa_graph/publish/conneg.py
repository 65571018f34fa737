"""Content negotiation: one table of representations, one way of choosing
among them (``Accept`` with q-values), and web-server rules generated from
both, for nginx (with its JavaScript module) and Apache (``.htaccess``).

IRIs dereference with a 303 redirect: ``{base}id/X`` names a thing (a pilot, a
municipality), ``{base}doc/X`` is the document about it, negotiated among
``X.html``, ``X.ttl``, ``X.jsonld`` and ``X.nt``, each also reachable by its
extension.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from kopa_graph.languages import LANGUAGES
from kopa_graph.publish.templating import render
from kopa_graph.rdfio.formats import FORMATS, PUBLISHED, ZIP


@dataclass(frozen=True)
class Representation:
    extension: str
    media_type: str
    quality: float  # the server's preference when the client's Accept ties


#: A page's representations: HTML, and the published RDF formats (:mod:`kopa_graph.rdfio.formats`).
REPRESENTATIONS = (
    Representation("html", "text/html", 1.0),
    *(Representation(FORMATS[n].suffix, FORMATS[n].media_type, FORMATS[n].page_quality or 0.0) for n in PUBLISHED),
)
#: Other names clients use for the same media types.
ALIASES = {"application/xhtml+xml": "text/html"} | {
    alias: FORMATS[n].media_type for n in PUBLISHED for alias in FORMATS[n].aliases}
_ITEM = re.compile(r"^\s*([^\s;,]+)\s*((?:;\s*[^;,]*)*)$")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs of an Accept header; a missing header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out = []
    for part in header[:2000].split(","):
        m = _ITEM.match(part)
        if not m:
            continue
        q = 1.0
        for param in m.group(2).split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        out.append((m.group(1).lower(), q))
    return out


def _q_for(media_type: str, accepted: list[tuple[str, float]]) -> float:
    """The q the client gives ``media_type``: the most specific matching range wins."""
    best, specificity = 0.0, -1
    major = media_type.split("/")[0]
    for rng, q in accepted:
        rng = ALIASES.get(rng, rng)
        s = 2 if rng == media_type else 1 if rng == f"{major}/*" else 0 if rng == "*/*" else -1
        if s > specificity:
            best, specificity = q, s
    return best if specificity >= 0 else 0.0


def choose(accept: str | None, available: tuple[Representation, ...] = REPRESENTATIONS) -> Representation | None:
    """The representation to serve, or None (406): highest client q, then server preference, then order."""
    accepted = parse_accept(accept)
    scored = [(_q_for(r.media_type, accepted), r.quality, -i, r) for i, r in enumerate(available)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: s[:3])[3] if scored else None


#: What a browser may load for a page: its own style sheet and nothing else (no script runs: the
#: JSON-LD in a page is data), no framing, no base or form redirection. Sent by the server, written
#: into the nginx and Apache rules, and (without frame-ancestors, which a page cannot set) into
#: every page, for hosts that send no headers.
CSP_PAGE = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
CSP = CSP_PAGE + "; frame-ancestors 'none'"
#: The query editor page (``serve``'s ``/sparql`` for a browser) runs the vendored YASGUI: its script and style
#: sheet from this server only, the inline styles the editor sets on its elements, its queries sent to this
#: server (``connect-src 'self'``), and its icons as data: images. No other page runs a script.
CSP_EDITOR = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: A helper's page (``/queries/NAME``) is a form that sends its parameters back to the same address.
CSP_FORM = CSP.replace("form-action 'none'", "form-action 'self'")


def meta_policy(policy: str) -> str:
    """A policy as a page's ``<meta>`` carries it: without ``frame-ancestors``, which only a header can set."""
    return "; ".join(d for d in policy.split("; ") if not d.startswith("frame-ancestors"))
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"))


def link_header(doc_path: str) -> str:
    """``Link: rel="alternate"`` for every representation of a document (path without extension)."""
    return ", ".join(f'<{doc_path}.{r.extension}>; rel="alternate"; type="{r.media_type}"' for r in REPRESENTATIONS)


def describedby(doc_path: str) -> str:
    """``Link: rel="describedby"`` from a thing (``/id/X``) to the document about it (``/doc/X``)."""
    return f'<{doc_path}>; rel="describedby"'


#: What a redirect from ``/id/X`` and the answer at ``/`` depend on.
VARY_LANGUAGE = "Accept, Accept-Language"


def lang_suffix(lang: str) -> str:
    """How a page's file names its language: ``X.html`` is in the first language (Swedish), ``X.fi.html``."""
    return "" if lang == LANGUAGES[0] else f".{lang}"


def choose_language(header: str | None) -> str:
    """The page language for an ``Accept-Language`` header: the first language range it lists whose primary
    tag is one of :data:`kopa_graph.languages.LANGUAGES` and whose q is not 0 (browsers list languages in
    the order the reader prefers them); the first language (Swedish) when it lists none. nginx (njs) and
    Apache (a regular expression) make the same choice; the differential test holds all three to it."""
    for part in (header or "")[:2000].split(","):
        tag, *params = [bit.strip() for bit in part.split(";")]
        primary = tag.lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        refused = any(p.lower().replace(" ", "").startswith("q=") and _zero(p.split("=", 1)[1]) for p in params)
        if not refused:
            return primary
    return LANGUAGES[0]


def _zero(value: str) -> bool:
    try:
        return float(value.strip()) <= 0
    except ValueError:
        return False


def id_target(path: str, accept: str | None, accept_language: str | None) -> str:
    """Where ``/id/{path}`` redirects (303): the document ``/doc/{path}``, or its page in the reader's
    language (``/doc/{path}.fi.html``) when the answer would be HTML and the language is not the first."""
    chosen, lang = choose(accept), choose_language(accept_language)
    if chosen is not None and chosen.extension == "html" and lang != LANGUAGES[0]:
        return f"/doc/{path}{lang_suffix(lang)}.html"
    return f"/doc/{path}"


def wants_html(accept: str | None) -> bool:
    """Whether a client asks for HTML by name (a browser), as opposed to an API client whose errors are JSON."""
    return any(ALIASES.get(rng, rng) == "text/html" and q > 0 for rng, q in parse_accept(accept) if accept)


# -- nginx --------------------------------------------------------------------

def njs_module() -> str:
    """The JavaScript (njs) that makes the same choices as :func:`choose`, :func:`choose_language`,
    :func:`id_target` and :func:`wants_html` for nginx."""
    return render("conneg.js.j2", reps=json.dumps([[r.extension, r.media_type, r.quality] for r in REPRESENTATIONS]),
                  aliases=json.dumps(ALIASES, sort_keys=True), languages=json.dumps(list(LANGUAGES)))


def _lang_suffixes() -> str:
    return "|".join(re.escape(lang_suffix(lang)) for lang in LANGUAGES if lang_suffix(lang))


def nginx_include() -> str:
    """The site's rules for nginx (``_config/nginx.conf`` in the site): what a server block serving the site
    includes (its comment says how)."""
    return render("nginx-site.conf.j2", alternates=link_header("$kopa_doc"), describedby=describedby("/doc/$1"),
                  vary_language=VARY_LANGUAGE, security=SECURITY_HEADERS, lang_suffixes=_lang_suffixes(),
                  extensions="|".join(r.extension for r in REPRESENTATIONS), zip=ZIP.media_type,
                  types=[r for r in REPRESENTATIONS if r.extension != "html"])


def nginx_conf(root: str, port: int = 8080, module: str | None = None, user: str | None = None) -> str:
    """A complete nginx configuration serving the site at ``root`` with the site's own rules
    (``root/_config/nginx.conf``, :func:`nginx_include`); nginx's pid file, log and temporary folder go in
    the folder holding ``root`` (beside the link ``kopa-graph site`` switches, never in a release)."""
    return render("nginx.conf.j2", root=root, port=port, module=module, user=user,
                  beside=posixpath.dirname(root.rstrip("/")) or ".")


def not_acceptable_page() -> str:
    return render("406.html.j2", representations=REPRESENTATIONS)


#: What the Apache rules test the request's headers with (PCRE, as mod_rewrite and ap_expr take them): the
#: first language of Accept-Language that is one of LANGUAGES and not refused with q=0, captured (as
#: :func:`choose_language`); an Accept naming HTML with q above 0 (:func:`wants_html`); an Accept whose first
#: range is HTML or a wildcard, which is what makes :func:`choose` answer HTML for a browser (Apache cannot
#: weigh q-values in a rule: for /id/X it takes the first range, so an Accept that lists Turtle first and HTML
#: with a higher q is redirected to the negotiated document there, to its page by nginx and serve).
_NOT_Q0 = r"(?:;(?!\s*q\s*=\s*(?:-[^,;]*|\+?0*(?:\.0*)?)\s*(?:[;,]|$))[^,;]*)*"
APACHE_LANGUAGE = rf"^(?:[^,]*,)*?\s*({'|'.join(LANGUAGES)})(?:-[^,;]*)?\s*{_NOT_Q0}\s*(?:,|$)"
APACHE_WANTS_HTML = rf"(?:^|,)\s*(?:text/html|application/xhtml\+xml)\s*{_NOT_Q0}\s*(?:,|$)"
APACHE_HTML_FIRST = rf"^\s*(?:text/html|application/xhtml\+xml|text/\*|\*/\*)\s*{_NOT_Q0}\s*(?:,|$)"


def htaccess() -> str:
    """Apache rules (``.htaccess``): mod_rewrite for the 303s and the type maps, mod_negotiation for q-values
    and 406, mod_headers for the headers nginx and serve send."""
    others = [(lang, lang_suffix(lang)) for lang in LANGUAGES if lang_suffix(lang)]
    return render("htaccess.j2", types=[r for r in REPRESENTATIONS if r.extension != "html"], zip=ZIP.media_type,
                  security=SECURITY_HEADERS, language=APACHE_LANGUAGE, wants_html=APACHE_WANTS_HTML,
                  html_first=APACHE_HTML_FIRST, others=others, other_langs="|".join(lang for lang, _ in others),
                  lang_suffixes=_lang_suffixes(), extensions="|".join(r.extension for r in REPRESENTATIONS),
                  alternates=link_header("%{KOPA_DOC}e").replace('"', '\\"'), vary_language=VARY_LANGUAGE,
                  aliases=sorted(ALIASES.items()))


def apache_conf(root: str, port: int, user: str | None = None, group: str | None = None,
                module_dir: str = "/usr/lib/apache2/modules") -> str:
    """A complete Apache httpd configuration serving the site at ``root`` with its own ``.htaccess``; the pid
    file and the log go in the folder holding ``root``."""
    modules = ["mpm_event", "authz_core", "mime", "dir", "rewrite", "negotiation", "headers", "setenvif"]
    return render("apache.conf.j2", root=root, port=port, user=user, group=group, modules=modules,
                  module_dir=module_dir, beside=posixpath.dirname(root.rstrip("/")) or ".")


def negotiated_maps() -> dict[str, str]:
    """Apache type maps for ``/ontology`` and ``/shapes`` (in ``_config/``): their page or their Turtle."""
    turtle = FORMATS["turtle"]
    out = {}
    for name, ttl in (("ontology", "kopa.ttl"), ("shapes", "kopa-shapes.ttl")):
        out[f"{name}.var"] = (f"URI: {name}\n\nURI: ../{name}/index.html\nContent-Type: text/html; qs=1.0\n\n"
                              f"URI: ../{name}/{ttl}\nContent-Type: {turtle.media_type}; qs={turtle.page_quality}\n")
    return out


def type_map(name: str) -> str:
    """An Apache type map (``X.var``) listing the representations of document ``name``."""
    parts = [f"URI: {name}\n"]
    for r in REPRESENTATIONS:
        parts.append(f"\nURI: {name}.{r.extension}\nContent-Type: {r.media_type}; qs={r.quality}\n")
    for alias, media_type in sorted(ALIASES.items()):  # the names :func:`choose` also takes (the rules restore
        r = next(r for r in REPRESENTATIONS if r.media_type == media_type)  # the type's own name in the answer)
        parts.append(f"\nURI: {name}.{r.extension}\nContent-Type: {alias}; qs={r.quality}\n")
    return "".join(parts)
