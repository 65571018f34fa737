"""The templates of what people read and edit besides the pages: the sitemap, the 406 page, and the nginx,
njs and Apache configurations (``publish/templates/*.j2``, Jinja2). HTML and XML templates are
autoescaped; a template may use only the values it is given (an unknown name is an error)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kopa_graph.publish", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "xml.j2"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, **values: Any) -> str:
    """The template ``name`` (``nginx.conf.j2``) with ``values``."""
    return _environment().get_template(name).render(**values)
