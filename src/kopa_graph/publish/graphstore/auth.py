"""Authentication to a triplestore: HTTP Basic or Digest, chosen by ``--auth`` or from the endpoint's challenge.

``auto`` (the default) sends nothing secret until the endpoint's ``401`` names its schemes
(``WWW-Authenticate``), then uses Digest whenever it is offered and Basic where Digest is not (and Basic is).
``digest`` never sends Basic; ``basic`` refuses, without sending the password, an endpoint that asks for Digest
only. Credentials go only to the endpoints' own origins (scheme, host and port); redirects are never followed
and no proxy is taken from the environment (:func:`kopa_graph.publish.graphstore.client.open_client`), so they
never reach another host.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable

import httpx

from kopa_graph.publish.graphstore.client import PublishError

#: The choices of ``--auth``.
AUTH_MODES = ("auto", "digest", "basic")
#: A challenge in ``WWW-Authenticate``: its scheme, then a ``name=`` parameter (or nothing).
_CHALLENGE = re.compile(r"(?:^|,)\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?=\s+[A-Za-z0-9_-]+=|\s*(?:,|$))")


class AuthChoiceError(PublishError):
    """The endpoint's authentication and ``--auth`` do not meet."""

    exit_code = 4


def offered_schemes(response: httpx.Response) -> list[str]:
    """The authentication schemes a ``401`` offers, lower case, in the order given."""
    found: list[str] = []
    for header in response.headers.get_list("www-authenticate"):
        for scheme in _CHALLENGE.findall(header):
            if scheme.lower() not in found:
                found.append(scheme.lower())
    return found


def origin(url: httpx.URL | str) -> tuple[str, str, int | None]:
    u = httpx.URL(url)
    return u.scheme, u.host, u.port or {"http": 80, "https": 443}.get(u.scheme)


class EndpointAuth(httpx.Auth):
    """Basic or Digest for the endpoints at ``origins``, chosen by ``mode`` and the endpoint's challenge."""

    def __init__(self, user: str, password: str, mode: str, origins: Iterable[str]) -> None:
        if mode not in AUTH_MODES:
            raise ValueError(f"auth mode {mode!r}: one of {', '.join(AUTH_MODES)}")
        self.mode = mode
        self.origins = {origin(u) for u in origins}
        self.chosen: str | None = None  # "digest" or "basic" once the endpoint has said which
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)

    def learn(self, response: httpx.Response) -> None:
        """Choose from a ``401``'s challenge (:meth:`auth_flow` does so itself; a preflight request may too)."""
        if response.status_code != 401 or self.chosen is not None:
            return
        offered = offered_schemes(response)
        where = f"{response.request.method} {response.request.url}"
        if "digest" in offered and self.mode in ("auto", "digest"):
            self.chosen = "digest"
        elif "basic" in offered and self.mode in ("auto", "basic"):
            self.chosen = "basic"
        elif "digest" in offered:  # --auth basic where only Digest is asked for: the password is not sent in clear
            raise AuthChoiceError(f"{where}: the endpoint asks for HTTP Digest authentication (WWW-Authenticate: "
                                  "Digest) and --auth basic would send the password in clear; use --auth digest "
                                  "(or --auth auto)")
        elif "basic" in offered:
            raise AuthChoiceError(f"{where}: the endpoint offers only HTTP Basic authentication and --auth digest "
                                  "was given; use --auth basic (over https) or --auth auto")
        else:
            shown = ", ".join(offered) or "no scheme in WWW-Authenticate"
            raise AuthChoiceError(f"{where}: the endpoint asks for authentication kopa-graph does not speak "
                                  f"({shown}); it speaks HTTP Basic and Digest (--auth)")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) not in self.origins:  # never to another host
            yield request
            return
        if self.chosen is None:
            response = yield request  # nothing secret until the endpoint names its schemes
            if response.status_code != 401:
                return
            response.read()
            self.learn(response)
            if self.chosen == "digest":
                flow = self._digest.auth_flow(request)
                next(flow)  # the unauthenticated request, already answered by this 401
                yield from _resume(flow, response)
                return
        if self.chosen == "digest":
            yield from self._digest.auth_flow(request)
        else:
            yield from self._basic.auth_flow(request)


def _resume(flow: Generator[httpx.Request, httpx.Response, None],
            response: httpx.Response) -> Generator[httpx.Request, httpx.Response, None]:
    """Go on with a Digest flow from the challenge ``response``."""
    try:
        request = flow.send(response)
        while True:
            request = flow.send((yield request))
    except StopIteration:
        return
