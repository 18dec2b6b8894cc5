"""How many events a serialised tracker carries."""

from enum import Enum
from typing import Self


class EventVerbosity(Enum):
    NONE = "NONE"  # no events (`events` is null)
    APPLIED = "APPLIED"  # the events that still shape the state (see `applied_events`)
    AFTER_RESTART = "AFTER_RESTART"  # events after the latest `restart`
    ALL = "ALL"

    @classmethod
    def parse(cls, value: str) -> Self:
        """Read an `include_events` value, case-insensitively."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(member.name for member in cls)
            raise ValueError(
                f"invalid include_events value {value!r}; expected one of {names}"
            ) from None
