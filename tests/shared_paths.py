"""Where the read-only shared/ folder (spec, golden recordings, datasets) is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """shared/ sits beside the repository in every clone CI makes; MYNA_SHARED_DIR overrides.

    A missing folder fails loudly instead of silently skipping the compatibility tests.
    """
    path = Path(os.environ.get("MYNA_SHARED_DIR", REPO_ROOT.parent / "shared"))
    if not (path / "golden").is_dir():
        pytest.fail(f"shared folder not found at {path} (set MYNA_SHARED_DIR)")
    return path


def golden_dir() -> Path:
    return shared_dir() / "golden" / "rasa-3.6"
