"""Domain responses → message dicts: variation choice and `{slot}` interpolation.

Follows project-files.md §3.4 (Rasa's templated NLG): a variation is chosen from the
first non-empty pool among conditional+channel, default+channel, conditional without
channel and default without channel, then interpolated with the slot values and the
caller's extra variables. The returned dict is a copy of the whole variation, so its
own keys (`id`, `channel`, `condition`, `button_type`, `metadata`, ...) come along.
"""

from __future__ import annotations

import copy
import logging
import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from myna.project.domain import Domain
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

# The variation keys whose values (strings, nested dicts and lists) are interpolated.
INTERPOLATED_KEYS = ("text", "image", "custom", "buttons", "attachment", "quick_replies")
# `{{` and `}}` are escaped braces; `{key}` is a placeholder (no newline or brace inside).
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^\n{}]+?)\}")


class _UnknownKey(Exception):
    """A placeholder names no variable: the string is left as written."""


def interpolate_text(text: str, values: Mapping[str, Any]) -> str:
    """`text` with every `{key}` replaced by `values[key]` and `{{`/`}}` unescaped.

    If any placeholder names an unknown key, the whole string is returned unchanged.
    """

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key is None:
            return match.group(0)[0]
        if key not in values:
            raise _UnknownKey(key)
        return str(values[key])

    try:
        return _PLACEHOLDER.sub(replace, text)
    except _UnknownKey as unknown:
        logger.warning("Response %r names the unknown variable %s", text, unknown)
        return text


def interpolate(value: Any, values: Mapping[str, Any]) -> Any:
    """Interpolate every string inside `value`, recursing into dicts and lists."""
    if isinstance(value, str):
        return interpolate_text(value, values)
    if isinstance(value, Mapping):
        return {key: interpolate(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, values) for item in value]
    return value


def _same_value(slot_value: Any, expected: Any) -> bool:
    if isinstance(slot_value, str) and isinstance(expected, str):
        return slot_value.casefold() == expected.casefold()
    return bool(slot_value == expected)


def conditions_hold(variation: Mapping[str, Any], slots: Mapping[str, Any]) -> bool:
    """Whether every `{name, value}` condition of `variation` matches the slot values."""
    return all(
        _same_value(slots.get(condition.get("name")), condition.get("value"))
        for condition in variation.get("condition") or ()
    )


def candidate_variations(
    variations: Sequence[Mapping[str, Any]], channel: str, slots: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The pool a variation is chosen from (empty if none fits)."""
    conditional = [v for v in variations if v.get("condition") and conditions_hold(v, slots)]
    default = [v for v in variations if not v.get("condition")]
    pools = (
        [v for v in conditional if v.get("channel") == channel],
        [v for v in default if v.get("channel") == channel],
        [v for v in conditional if v.get("channel") is None],
        [v for v in default if v.get("channel") is None],
    )
    return next((pool for pool in pools if pool), [])


class TemplatedResponseGenerator:
    """The `ResponseGenerator` over the domain's responses (seed → reproducible choices)."""

    def __init__(self, domain: Domain, seed: int | None = None) -> None:
        self._domain = domain
        self._random = random.Random(seed)

    def generate(
        self, response: str, tracker: Tracker, channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        return self.generate_from_slots(response, tracker.slots, channel, **kwargs)

    def generate_from_slots(
        self, response: str, slots: Mapping[str, Any], channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """The message for `response` given slot values; None without a usable variation."""
        known = self._domain.responses.get(response)
        if known is None:
            return None
        pool = candidate_variations(known.variations, channel, slots)
        if not pool:
            return None
        message = copy.deepcopy(dict(self._random.choice(pool)))
        values = {**slots, **kwargs}
        for key in INTERPOLATED_KEYS:
            if key in message:
                message[key] = interpolate(message[key], values)
        return message
