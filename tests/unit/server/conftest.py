"""Fixtures of the server tests: a fake assistant and a client of an app serving it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_fakes import FakeAssistant, local_client, make_app
from starlette.testclient import TestClient


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def client(assistant: FakeAssistant) -> Iterator[TestClient]:
    with local_client(make_app(assistant)) as test_client:
        yield test_client
