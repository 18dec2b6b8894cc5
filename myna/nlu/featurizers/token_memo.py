"""A bounded memo of per-token work, for featurizers whose token rows depend on the text only.

Real traffic repeats words, so a featurizer that computes a token's row from its text
alone (its n-gram counts, its lexical flags) can keep the result. The memo is an LRU of at
most ``TOKEN_MEMO_SIZE`` texts, so memory stays bounded whatever the traffic. It belongs
to the objects the rows are computed from (a vocabulary, an analyzer...): when the
featurizer replaces one of them, as training does, the memo starts over.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from operator import is_
from typing import Generic, TypeVar

TOKEN_MEMO_SIZE = 50_000

Row = TypeVar("Row")


class TokenMemo(Generic[Row]):
    """``compute(*inputs, text)`` memoised by ``text``, for the inputs last given."""

    def __init__(self, compute: Callable[..., Row], size: int = TOKEN_MEMO_SIZE) -> None:
        self._compute = compute
        self._size = size
        self._inputs: tuple[object, ...] = ()
        self._memoised: Callable[[str], Row] | None = None

    def function(self, *inputs: object) -> Callable[[str], Row]:
        """The memoised function of the text for these inputs (compared by identity)."""
        same = len(inputs) == len(self._inputs) and all(map(is_, inputs, self._inputs))
        if self._memoised is None or not same:
            self._inputs = inputs
            self._memoised = lru_cache(maxsize=self._size)(partial(self._compute, *inputs))
        return self._memoised
