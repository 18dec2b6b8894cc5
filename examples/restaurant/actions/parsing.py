"""Pure helpers that turn what a guest typed into booking values.

Nothing here imports rasa_sdk, so the rules can be unit-tested on their own.
"""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as date_parser

MIN_PARTY_SIZE = 1
MAX_PARTY_SIZE = 20

FIRST_SEATING = "11:00"
LAST_SEATING = "22:30"

SUPPORTED_CUISINES = (
    "chinese",
    "french",
    "greek",
    "indian",
    "italian",
    "japanese",
    "korean",
    "lebanese",
    "mexican",
    "spanish",
    "thai",
    "vietnamese",
)

_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

# Words that stand for a digit string; NUMBER_WORDS adds words that only count people.
_DIGIT_WORDS = {word: value for value, word in enumerate(_UNITS)}
_DIGIT_WORDS.update(_TENS)
NUMBER_WORDS = dict(_DIGIT_WORDS, couple=2, pair=2, dozen=12)

_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_COMPOUND_NUMBER = re.compile(
    r"\b(" + "|".join(_TENS) + r")[\s-]+(" + "|".join(_UNITS[1:10]) + r")\b"
)

# A fixed default date: the time of day is all we keep, and a fixed date avoids
# surprises such as "the 31st" on a 30-day month.
_DEFAULT_DATE = datetime(2000, 1, 1)
_MERIDIEM = re.compile(r"\d\s*(?:am|pm|a\.m\.|p\.m\.)")
_MINUTES_PAST_OR_TO = re.compile(r"\b(half|quarter|\d{1,2})\s+(past|to)\s+(\d{1,2})\b")
_HOUR_AND_MINUTES = re.compile(r"\b(\d{1,2})[\s.](\d{2})(?!\d)")
_BARE_HOUR = re.compile(r"(?<![\d:])\b(\d{1,2})\b(?!\s*(?::|am|pm|a\.m|p\.m))")


def parse_party_size(value: object) -> int | None:
    """Reads a party size from a number, a digit string or number words.

    Returns None when there is no whole number in the value, or more than one
    ("4 or 5").
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _whole_number(value)
    text = _COMPOUND_NUMBER.sub(_add_compound, str(value).lower())
    numbers = [_token_number(token) for token in _NUMBER_TOKEN.findall(text)]
    found = [number for number in numbers if number is not None]
    return found[0] if len(found) == 1 else None


def is_valid_party_size(size: int | None) -> bool:
    return size is not None and MIN_PARTY_SIZE <= size <= MAX_PARTY_SIZE


def normalise_time(value: object) -> str | None:
    """Turns "7pm", "19:30", "half past seven", "eight thirty" or "at 8" into "HH:MM".

    Hours from 1 to 10 without am/pm are read as evening times ("at 8" is 20:00),
    which is what a dinner booking almost always means. Returns None for text
    dateutil cannot read as a time of day.
    """
    if value is None:
        return None
    text = _prepare_time_text(str(value))
    if ":" not in text and not _MERIDIEM.search(text):
        return None  # no clock time in it, e.g. "dinner time" or a year
    try:
        parsed = date_parser.parse(text, fuzzy=True, default=_DEFAULT_DATE)
    except (ValueError, OverflowError):
        return None
    hour = parsed.hour
    if 1 <= hour <= 10 and not _MERIDIEM.search(text):
        hour += 12
    return f"{hour:02d}:{parsed.minute:02d}"


def is_within_opening_hours(hhmm: str) -> bool:
    """True if a "HH:MM" time is one we seat guests at (string order is time order)."""
    return FIRST_SEATING <= hhmm <= LAST_SEATING


def match_cuisine(value: object) -> str | None:
    """Returns the supported cuisine named by value ("Thai food" -> "thai"), else None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    text = re.sub(r"\s+(?:food|cuisine|kitchen)$", "", text)
    return text if text in SUPPORTED_CUISINES else None


def format_party_size(value: object) -> str:
    """Shows 4.0 (how a float slot may hold it) as "4"."""
    size = parse_party_size(value)
    return str(size) if size is not None else str(value)


def _whole_number(value: float) -> int | None:
    return int(value) if float(value).is_integer() else None


def _token_number(token: str) -> int | None:
    if token[0].isdigit():
        return _whole_number(float(token))
    return NUMBER_WORDS.get(token)


def _add_compound(match: re.Match[str]) -> str:
    return str(_TENS[match.group(1)] + NUMBER_WORDS[match.group(2)])


def _prepare_time_text(raw: str) -> str:
    """Rewrites spoken forms into something dateutil reads as a time of day."""
    text = raw.strip().lower().replace("o'clock", "").replace("oclock", "")
    text = re.sub(r"\b(?:noon|midday)\b", "12:00", text)
    text = re.sub(r"\bmidnight\b", "0:00", text)
    text = _COMPOUND_NUMBER.sub(_add_compound, text)
    text = re.sub(r"[a-z]+", _word_to_digits, text)
    text = _MINUTES_PAST_OR_TO.sub(_spoken_minutes, text)
    text = _HOUR_AND_MINUTES.sub(r"\1:\2", text)
    return _BARE_HOUR.sub(r"\1:00", text)


def _word_to_digits(match: re.Match[str]) -> str:
    word = match.group(0)
    return str(_DIGIT_WORDS[word]) if word in _DIGIT_WORDS else word


def _spoken_minutes(match: re.Match[str]) -> str:
    amount, direction, hour = match.group(1), match.group(2), int(match.group(3))
    minutes = {"half": 30, "quarter": 15}.get(amount) or int(amount)
    if direction == "to":
        hour, minutes = (hour - 1) % 12 or 12, 60 - minutes
    return f"{hour}:{minutes:02d}"
