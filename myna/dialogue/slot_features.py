"""Slot featurisation (project-files.md §3.3): what a slot's value shows to policies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from myna.project.domain import Slot


def _text_features(_slot: Slot, value: Any) -> tuple[float, ...]:
    return (1.0 if value is not None else 0.0,)


def _list_features(_slot: Slot, value: Any) -> tuple[float, ...]:
    return (1.0 if isinstance(value, Sequence) and len(value) > 0 else 0.0,)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    text = str(value).strip().lower()
    if text.isnumeric():
        return float(text) == 1
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"{value!r} is not a boolean")


def _bool_features(_slot: Slot, value: Any) -> tuple[float, ...]:
    try:
        return (0.0, 0.0) if value is None else (1.0, float(_as_bool(value)))
    except ValueError:
        return (0.0, 0.0)


def _float_features(slot: Slot, value: Any) -> tuple[float, ...]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return (0.0, 0.0)
    capped = max(slot.min_value, min(slot.max_value, number))
    covered = abs(slot.max_value - slot.min_value) or 1.0
    return (1.0, (capped - slot.min_value) / covered)


def _categorical_features(slot: Slot, value: Any) -> tuple[float, ...]:
    categories = slot.categories
    features = [0.0] * len(categories)
    if value is not None:
        text = str(value).lower()
        features[categories.index(text) if text in categories else len(categories) - 1] = 1.0
    return tuple(features)


def _no_features(_slot: Slot, _value: Any) -> tuple[float, ...]:
    return ()


_SLOT_FEATURES: dict[str, Callable[[Slot, Any], tuple[float, ...]]] = {
    "text": _text_features,
    "list": _list_features,
    "bool": _bool_features,
    "float": _float_features,
    "categorical": _categorical_features,
    "any": _no_features,
}


def slot_features(slot: Slot, value: Any) -> tuple[float, ...]:
    """The feature vector of `slot` holding `value`; empty when it does not featurise.

    Custom slot types (`module.Class`) are featurised like text slots.
    """
    if not slot.influence_conversation:
        return ()
    return _SLOT_FEATURES.get(slot.type, _text_features)(slot, value)
