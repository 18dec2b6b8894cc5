"""Composition root of embedded mode (`myna run`, `myna shell`, `myna test core`).

It builds, in one process, the same objects the services build: a loaded model (NLU
pipeline + policies + domain), a tracker store, an action executor, the response
generator and the message processor. Everything is chosen here and passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from myna.actions.executor import ActionExecutor
from myna.actions.in_process import InProcessActionExecutor
from myna.actions.webhook import WebhookActionExecutor
from myna.dialogue.actions.registry import action_for_name
from myna.dialogue.message import empty_parse
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.responses import TemplatedResponseGenerator
from myna.model.artifact import LoadedModel, ModelLoadError, load_model
from myna.project.endpoints import Endpoints
from myna.sdk.executor import ActionExecutor as SdkRegistry
from myna.stores.base import TrackerStore
from myna.stores.factory import from_endpoint, sqlite_store
from myna.stores.memory import InMemoryTrackerStore


class EmbeddedAssistant(MessageProcessor):
    """The message processor plus what the HTTP server needs to describe the model."""

    def __init__(self, model: LoadedModel, **wiring: Any) -> None:
        super().__init__(**wiring)
        self.model = model

    @property
    def model_path(self) -> Path:
        return self.model.path

    def parse(self, text: str) -> dict[str, Any]:
        """NLU parse data; an NLU-less model parses nothing (like Rasa's empty result)."""
        return self.nlu.parse(text) if self.nlu is not None else empty_parse(text)


@dataclass(frozen=True, slots=True)
class Wiring:
    """What to plug in around the model; every field has the embedded default."""

    endpoints: Endpoints = field(default_factory=Endpoints)
    project_dir: Path = field(default_factory=Path.cwd)
    sdk_actions: SdkRegistry | None = None
    persist_trackers: bool = True
    response_seed: int | None = None


def build_store(wiring: Wiring) -> TrackerStore:
    """endpoints.yml's tracker_store, else SQLite beside the project (or memory)."""
    section = wiring.endpoints.tracker_store
    if section is not None:
        return from_endpoint(section, wiring.project_dir)
    if wiring.persist_trackers:
        return sqlite_store(wiring.project_dir)
    return InMemoryTrackerStore()


def build_executor(wiring: Wiring) -> ActionExecutor | None:
    """An action server from endpoints.yml, else the given SDK actions in-process."""
    if wiring.endpoints.action_endpoint is not None:
        return WebhookActionExecutor(wiring.endpoints.action_endpoint)
    if wiring.sdk_actions is not None:
        return InProcessActionExecutor(wiring.sdk_actions)
    return None


def build_assistant(model_path: Path, wiring: Wiring) -> EmbeddedAssistant:
    """Load the model and wire the processor around it."""
    model = load_model(model_path)
    if model.core is None:
        raise ModelLoadError(f"'{model.path}' has no dialogue part: train it with `myna train`")
    domain = model.core.domain
    return EmbeddedAssistant(
        model,
        domain=domain,
        nlu=model.nlu,
        ensemble=model.core.ensemble,
        store=build_store(wiring),
        nlg=TemplatedResponseGenerator(domain, seed=wiring.response_seed),
        action_resolver=action_for_name,
        executor=build_executor(wiring),
        model_id=model.manifest.model_id,
        assistant_id=model.manifest.assistant_id or "",
    )
