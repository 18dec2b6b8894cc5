"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_paths import golden_dir, shared_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
def golden() -> Path:
    return golden_dir()
