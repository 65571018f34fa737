"""Requests to a Graph Store: the client (no redirects, credentials only for the endpoints), retries with
backoff, and the one error every publish failure raises."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

import httpx

from kopa_graph.errors import KopaError

log = logging.getLogger("kopa_graph.publish.triplestore")


class PublishError(KopaError):
    """The endpoint refused, failed or answered with a different graph."""

    exit_code = 4


class EndpointFailed(PublishError):
    """The endpoint failed (5xx) or could not be reached on every attempt."""


def graph_url(endpoint: str, graph_iri: str) -> str:
    from urllib.parse import quote

    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}graph={quote(graph_iri, safe='')}"


def open_client(endpoints: list[str], user: str | None, password: str | None, auth: str = "auto",
                timeout: float = 30.0) -> httpx.Client:
    """A client that never follows redirects and authenticates (``auth``: auto, digest, basic) only to the
    origins of ``endpoints``; it takes no proxy, ``.netrc`` or certificate setting from the environment, so that
    nothing (credentials least of all) goes to a proxy that ``HTTP_PROXY`` or ``ALL_PROXY`` names."""
    from kopa_graph.publish.graphstore.auth import EndpointAuth

    credentials = EndpointAuth(user, password or "", auth, endpoints) if user else None
    return httpx.Client(follow_redirects=False, trust_env=False, timeout=timeout, auth=credentials)


def negotiate(client: httpx.Client, url: str) -> None:
    """Learn the endpoint's authentication scheme with a ``HEAD`` that carries no data, so that no body is
    sent twice (or sent without credentials first). Its answer is otherwise ignored: the real request reports."""
    from kopa_graph.publish.graphstore.auth import EndpointAuth

    if isinstance(client.auth, EndpointAuth) and client.auth.chosen is None:
        with contextlib.suppress(httpx.TransportError):  # the request that follows retries and reports
            client.head(url)


def _with_retries(call: Callable[[], httpx.Response], what: str, url: str, retries: int) -> httpx.Response:
    delay = 0.5
    for attempt in range(1, retries + 1):
        try:
            response = call()
        except httpx.TransportError as exc:
            problem = f"cannot reach the endpoint ({type(exc).__name__})"
        except httpx.StreamError:  # a 401 (a stale Digest nonce) to a body sent piece by piece: it cannot go again
            raise PublishError(f"{what} {url}: the endpoint asked for authentication again after the body was "
                               "sent; run again (or as kopa-graph --quiet publish ..., which sends the body "
                               "whole)") from None
        else:
            if response.is_redirect:
                raise PublishError(f"{what} {url}: the endpoint redirects ({response.status_code}); kopa-graph never "
                                   "follows a redirect with data or credentials: use the final address")
            if response.status_code in (401, 403):
                raise PublishError(f"{what} {url}: refused ({response.status_code}); check --user, the password "
                                   "variable and --auth")
            if response.status_code < 300:
                return response
            problem = f"HTTP {response.status_code}" + (f" ({' '.join(response.text.split())[:200]})"
                                                        if response.text.strip() else "")
            if response.status_code < 500:
                raise PublishError(f"{what} {url}: {problem}")
        if attempt < retries:
            log.warning("%s %s: %s; retrying in %.1f s", what, url, problem, delay)
            time.sleep(delay)
            delay *= 2
    outcome = ("the endpoint's graph was not changed by kopa-graph (a PUT replaces it whole or not at all)"
               if what == "PUT" else "the graph could not be checked")
    raise EndpointFailed(f"{what} {url}: {problem} after {retries} attempts; {outcome}")
