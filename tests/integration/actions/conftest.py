"""Fixtures of the action server integration tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from myna.project.domain import Domain

# The restaurant helpers live with the SDK unit tests; these tests reuse them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "sdk"))

import restaurant_turns


@pytest.fixture(scope="session")
def restaurant_domain() -> Domain:
    return restaurant_turns.restaurant_domain()
