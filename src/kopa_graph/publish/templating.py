"""The templates of what people read and edit (``publish/templates/*.j2``, Jinja2): the site's pages (the
frame, a resource, the index with its SVG pictures, the article, the ontology and the shapes), its style
sheet, the sitemap, the 406 page, and the nginx, njs and Apache configurations.

HTML, SVG and XML templates (``*.html.j2``, ``*.svg.j2``, ``*.xml.j2``) escape every value they are given
with :func:`html.escape` (``&quot;`` and ``&#x27;`` for quotes), unless it is :class:`markupsafe.Markup`
(HTML made and escaped already, such as a page's body, or what a macro of ``macros.html.j2`` writes): the
environment's ``finalize`` does it, so that it holds inside a ``{% autoescape false %}`` region too, which
the hottest templates use to spare each value Jinja's second escape (such a region calls no macro and no
filter: ``tests/test_site.py``). The configurations are written as given. A template may use only the
values it is given: an unknown name is an error, never an empty string."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["Markup", "fragment", "macro", "render"]


def _escaped(value: Any) -> Markup:
    """A value as markup: escaped by :func:`html.escape`, so that Jinja's own escaping (which would write
    ``&#34;``) leaves it as it is."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


@cache
def _environment(markup: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kopa_graph.publish", "templates"),
        autoescape=markup,  # macros' output is Markup; values are escaped by _escaped, as html.escape does
        finalize=_escaped if markup else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=markup,  # a line that holds only {% ... %} or {# ... #} writes nothing, not even its end
        lstrip_blocks=markup,
        auto_reload=False,  # package data: no stat of the file on each render
    )


def render(name: str, **values: Any) -> str:
    """The template ``name`` (``nginx.conf.j2``) with ``values``."""
    markup = name.endswith((".html.j2", ".svg.j2", ".xml.j2"))
    return _environment(markup).get_template(name).render(**values)


def fragment(name: str, **values: Any) -> Markup:
    """A template of part of a page (``resource.html.j2``, ``network.svg.j2``) as markup for the page around
    it: its text without the newline its file ends with, as the place it goes decides the line breaks."""
    return Markup(render(name, **values).removesuffix("\n"))


def macro(name: str, macro_name: str) -> Any:
    """The macro ``macro_name`` of the HTML template ``name`` (``macros.html.j2``), to call from Python: what it
    writes is Markup, escaped as the templates escape."""
    return getattr(_environment(True).get_template(name).module, macro_name)
