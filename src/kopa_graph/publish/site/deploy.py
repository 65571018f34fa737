"""What a web server needs from the site, written into it by ``kopa-graph site``: the rules for nginx (a
server-block include and its JavaScript module) and Apache (``.htaccess``), generated from the one
negotiation table (:mod:`kopa_graph.publish.conneg`), and the 406 and 404 pages they answer with. All but
``.htaccess`` are in ``_config/``, which none of the servers serves as a page."""

from __future__ import annotations

import json

from kopa_graph.languages import LANGUAGES
from kopa_graph.publish import conneg
from kopa_graph.publish.site import pages as site_pages
from kopa_graph.publish.site.messages import messages
from kopa_graph.publish.templating import fragment


def not_found_page(lang: str) -> str:
    """The styled 404 page in ``lang``: the site's page frame, its links from the site's root (it is answered
    at whatever address was not found)."""
    t = messages(lang)["frontend"]
    body = fragment("notfound.html.j2", t=t, home=f"/index{conneg.lang_suffix(lang)}.html",
                    home_text=messages(lang)["page"]["home"])
    return site_pages.page(t["not_found"], None, lang, "/", body, [])


def server_files() -> dict[str, str]:
    """The site's files for web servers, by path in the site."""
    out = {"_config/conneg.js": conneg.njs_module(), "_config/406.html": conneg.not_acceptable_page(),
           "_config/nginx.conf": conneg.nginx_include(), ".htaccess": conneg.htaccess()}
    for lang in LANGUAGES:
        out[f"_config/404{conneg.lang_suffix(lang)}.html"] = not_found_page(lang)
    out.update({f"_config/{name}": text for name, text in conneg.negotiated_maps().items()})
    out["_config/404.json"] = json.dumps({"error": "not found"}, separators=(",", ":"))  # as serve's JSON error
    return out
