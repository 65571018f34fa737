"""Answers kept for the same query asked again: ``kopa-graph serve``'s answer cache.

The server's in-process graph never changes while it serves, so the answer to a query text is the same
every time it is asked, but for the functions that are meant to differ from one evaluation to the next
(``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``). A query in which any of those words appears,
anywhere and in any case (in a string, an IRI or a longer word too: ``snow:`` is enough), or which
holds an escape (``\\u0052AND`` could spell one), is never kept: the test reads the raw text and
over-approximates, so no reading of the grammar can slip one through, at the price of leaving a few
deterministic queries uncached. Nor is an answer that holds a blank node (or a triple term): a CONSTRUCT
template's ``_:b``, ``[]`` or list makes new ones, with new labels, at each evaluation; the worker says so
from the answer's terms (:attr:`kopa_graph.query.worker.Answer.blank`). QLever keeps such a cache of
results, bounded the same ways (``CACHE_MAX_SIZE`` with LRU eviction, ``CACHE_MAX_SIZE_SINGLE_ENTRY``:
the Qleverfile settings, qlever-dev/qlever-docs ``docs/qleverfile.md``).

A kept answer shows in its time that the same query was asked before (1 ms against the evaluation's):
the graph is public, and so are its answers, but not who asked what.

Bounded: the answers and their query texts together take at most ``max_bytes`` (LRU: the answer used
longest ago goes first), one answer at most ``max_answer_bytes``. Failures (syntax, timeout, too many
rows) are never kept, so a limit is met again each time. Over a remote store there is no cache (the
store's graph may change): :class:`~kopa_graph.publish.remote.RemoteStore` has none.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from typing import Generic, TypeVar

#: Words whose functions give another value on each evaluation (``STRUUID`` holds ``UUID``).
VOLATILE = ("RAND", "NOW", "UUID", "BNODE")
#: The largest answer kept, in bytes.
MAX_ANSWER_BYTES = 1024 * 1024
#: What an entry takes beside its body's bytes and its query's text: the key and value tuples, the answer,
#: the bytes object's header, the dictionary's slot (measured with tracemalloc: about 420 bytes).
ENTRY_BYTES = 500

A = TypeVar("A")
Key = tuple[str, str, str]  # the query text, the results format, the graph format


def cacheable(text: str) -> bool:
    """Whether the answer to ``text`` is the same each time over an unchanging graph (see the module)."""
    upper = text.upper()
    return "\\U" not in upper and not any(word in upper for word in VOLATILE)


class AnswerCache(Generic[A]):
    """The last answers, least recently used first, their sizes summed; ``max_bytes=0`` keeps nothing."""

    def __init__(self, max_bytes: int, max_answer_bytes: int = MAX_ANSWER_BYTES) -> None:
        self.max_bytes, self.max_answer_bytes = max_bytes, min(max_answer_bytes, max_bytes)
        self._answers: OrderedDict[Key, tuple[A, int]] = OrderedDict()
        self.bytes = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Key) -> A | None:
        found = self._answers.get(key)
        if found is None:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return found[0]

    def put(self, key: Key, answer: A, body_bytes: int, *, blank: bool = False) -> bool:
        """Keep ``answer`` (whose body is ``body_bytes`` long; ``blank``: it holds a blank node or a triple
        term) for ``key`` if it may be kept (see the module); whether it was."""
        size = body_bytes + sys.getsizeof(key[0]) + ENTRY_BYTES  # the body, the query text, the entry itself
        if blank or size > self.max_answer_bytes or not cacheable(key[0]):
            return False
        old = self._answers.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._answers[key] = (answer, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, gone) = self._answers.popitem(last=False)
            self.bytes -= gone
        return True
