"""Types shared by the model tests and their fixtures."""

from __future__ import annotations

from collections.abc import Callable

from myna.project.loader import ProjectPaths

# make_project(name="bot", config=..., nlu=...): writes a project below tmp_path.
ProjectFactory = Callable[..., ProjectPaths]
