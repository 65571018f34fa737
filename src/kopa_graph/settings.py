"""Settings passed explicitly into the functions that need them (no globals)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kopa_graph.errors import InputError

#: The documented default base IRI of the data. Every resource of the graph is
#: ``{base}id/...``. Override with ``--base-iri`` or ``KOPA_BASE_IRI``.
DEFAULT_BASE_IRI = "https://w3id.org/kopa/"

BASE_IRI_ENV = "KOPA_BASE_IRI"

_BASE_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`#?]+/$")
_VERSION_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


@dataclass(frozen=True)
class Settings:
    """What a run needs to know besides its inputs."""

    base_iri: str = DEFAULT_BASE_IRI
    #: False: the publication profile without personal data (``--no-personal-data``): posts, their
    #: titles and organisations stay; the people holding them (names, IRIs) are left out everywhere.
    personal_data: bool = True
    #: The release's version (``--release-version``), and the previous release's (read from ``--previous OUT``'s
    #: manifest): stated in the DCAT description (dcat:version, dcat:previousVersion) and the manifest.
    version: str | None = None
    previous_version: str | None = None

    def __post_init__(self) -> None:
        for option, value in (("--release-version", self.version), ("the previous release's version",
                                                                    self.previous_version)):
            if value is not None and not _VERSION_RE.fullmatch(value):
                raise InputError(f"{option} {value!r} is not usable: a version is letters, digits, '.', '_' and '-', "
                                 "starting with a letter or digit (for example '2026.1')")
        if self.previous_version is not None and self.version is None:
            raise InputError("--previous needs --release-version: the release that follows the previous one needs a "
                             "version of its own")
        if self.previous_version is not None and self.previous_version == self.version:
            raise InputError(f"--release-version {self.version!r} is the previous release's version too; give the "
                             "new release a version of its own")
        if not _BASE_RE.match(self.base_iri):
            raise InputError(
                f"base IRI {self.base_iri!r} is not usable: it must be an http(s) IRI "
                "without spaces, query or fragment, ending in '/' "
                f"(for example {DEFAULT_BASE_IRI!r})"
            )

    @property
    def id_base(self) -> str:
        """Namespace of every resource of the data."""
        return self.base_iri + "id/"


#: The dataset's licence and publisher unless the user names others (``site``, ``publish``).
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "kopa-graph contributors"


@dataclass(frozen=True)
class ServerLimits:
    """The bounds of ``kopa-graph serve``'s query evaluation: the one set of defaults the command's options
    and :func:`kopa_graph.publish.server.app.create_app` share."""

    workers: int = 2  # query worker processes
    timeout: float = 10.0  # seconds a query may run (then 503)
    memory_mb: int = 2048  # address-space limit of a query worker
    max_rows: int = 10_000  # most result rows (then 413)
    cache_mb: int = 64  # answers kept for the same query asked again (0: none), :mod:`kopa_graph.query.cache`


SERVER_LIMITS = ServerLimits()
