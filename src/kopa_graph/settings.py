"""Settings passed explicitly into the functions that need them (no globals)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from kopa_graph.errors import InputError

#: The documented default base IRI of the data. Every resource of the graph is
#: ``{base}id/...``. Override with ``--base-iri`` or ``KOPA_BASE_IRI``.
DEFAULT_BASE_IRI = "https://w3id.org/kopa/"

BASE_IRI_ENV = "KOPA_BASE_IRI"

_BASE_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`#?]+/$")


@dataclass(frozen=True)
class Settings:
    """What a run needs to know besides its inputs."""

    base_iri: str = DEFAULT_BASE_IRI
    #: False: the publication profile without personal data (``--no-personal-data``): posts, their
    #: titles and organisations stay; the people holding them (names, IRIs) are left out everywhere.
    personal_data: bool = True

    def __post_init__(self) -> None:
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

    @classmethod
    def from_env(cls, base_iri: str | None = None) -> Settings:
        """Settings from an explicit value, else ``KOPA_BASE_IRI``, else the default."""
        return cls(base_iri=base_iri or os.environ.get(BASE_IRI_ENV) or DEFAULT_BASE_IRI)
