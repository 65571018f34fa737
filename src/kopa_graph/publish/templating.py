"""The templates of what people read and edit: the pages' frame, the sitemap, the 406 page, and the nginx,
njs and Apache configurations (``publish/templates/*.j2``, Jinja2).

HTML and XML templates (``*.html.j2``, ``*.xml.j2``) escape every value they are given with
:func:`html.escape`, as the rest of the site's HTML does, unless it is :class:`markupsafe.Markup` (HTML
made and escaped already, such as a page's body); the configurations are written as given. A template
may use only the values it is given: an unknown name is an error, never an empty string."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["Markup", "render"]


def _escaped(value: Any) -> Any:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=True)


@cache
def _environment(markup: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kopa_graph.publish", "templates"),
        autoescape=False,  # escaping is _escaped's, so that pages escape as html.escape does
        finalize=_escaped if markup else None,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, **values: Any) -> str:
    """The template ``name`` (``nginx.conf.j2``) with ``values``."""
    markup = name.endswith((".html.j2", ".xml.j2"))
    return _environment(markup).get_template(name).render(**values)
