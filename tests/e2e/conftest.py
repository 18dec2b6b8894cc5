"""Session fixtures of the end-to-end tests: each bot is trained once, quickly."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
# Helpers reused from the tests that use them first: action servers, restaurant turns, golden.
sys.path[:0] = [
    str(TESTS / folder) for folder in ("integration/actions", "unit/sdk", "unit/dialogue")
]

import restaurant_turns  # noqa: E402
from action_servers import free_port, serving  # noqa: E402
from servers import train_fast  # noqa: E402
from shared_paths import shared_dir  # noqa: E402
from test_rasa_sdk_compat import rasa_sdk_python  # noqa: E402

# Training both bots happens in fixture setup, which the timeout covers too.
E2E_TIMEOUT = 3600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT))


GOLDEN_BOT = shared_dir() / "golden" / "bot"
GOLDEN_ACTIONS = TESTS / "unit" / "actions" / "golden_bot_actions.py"


@pytest.fixture(scope="session")
def restaurant_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("restaurant-model")
    full_epochs = frozenset({"DIETClassifier", "ResponseSelector"})
    return train_fast(restaurant_turns.EXAMPLE_DIR, workdir, keep=full_epochs)


@pytest.fixture(scope="session")
def golden_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_fast(GOLDEN_BOT, tmp_path_factory.mktemp("golden-model"))


@pytest.fixture(scope="session")
def golden_actions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory holding the golden bot's actions as the package `actions`."""
    root = tmp_path_factory.mktemp("golden-actions")
    (root / "actions").mkdir()
    shutil.copy(GOLDEN_ACTIONS, root / "actions" / "__init__.py")
    return root


@pytest.fixture(scope="session")
def rasa_sdk_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The real rasa_sdk serving an unchanged copy of the restaurant example's actions."""
    python = rasa_sdk_python()
    project = tmp_path_factory.mktemp("rasa-sdk") / "restaurant"
    shutil.copytree(restaurant_turns.EXAMPLE_DIR, project, ignore=shutil.ignore_patterns("*.db"))
    port = free_port()
    command = [str(python), "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)]
    with serving(command, project, port, startup=90):
        yield port
