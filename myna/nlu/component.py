"""What every NLU component implements, and how its typed config is built from config.yml.

A component is a class with a nested pydantic ``Config`` whose fields are Rasa's option
names and defaults (unknown keys forbidden). ``train`` learns from the training messages
(already processed by the earlier components), ``process`` runs on one message at serving
time, and ``persist``/``load`` store whatever was learnt as JSON or ``.npz`` — never pickle.
"""

from __future__ import annotations

import difflib
import json
import types
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from myna.nlu.message import Message
from myna.project.errors import ProjectError

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from myna.project.config import ComponentSpec
    from myna.project.nlu import NLUData


class ComponentConfig(BaseModel):
    """Base of every component's options: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(ABC):
    """One step of the NLU pipeline; its class name is the Rasa component name."""

    Config: ClassVar[type[ComponentConfig]] = ComponentConfig
    # Tokenizers and featurizers also run on the training messages, so that later
    # components train on their output; classifiers and extractors do not.
    processes_training_data: ClassVar[bool] = False

    def __init__(self, config: ComponentConfig) -> None:
        self.config = config

    @property
    def name(self) -> str:
        return type(self).__name__

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:  # noqa: B027
        """Learn from the training data; components that learn nothing keep this no-op."""

    @abstractmethod
    def process(self, message: Message) -> None:
        """Add this component's output to ``message``."""

    def process_batch(self, messages: Sequence[Message]) -> None:
        """``process`` each message; components that run a model override this to run it
        on many messages at once."""
        for message in messages:
            self.process(message)

    def persist(self, directory: Path) -> None:  # noqa: B027
        """Write what was learnt into ``directory`` (which exists and is empty)."""

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        """Rebuild a trained component from ``directory``."""
        return cls(config)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def build_config(component: type[Component], spec: ComponentSpec) -> ComponentConfig:
    """Validate ``spec.options`` into ``component.Config``; errors point at the option."""
    try:
        return component.Config.model_validate(dict(spec.options))
    except ValidationError as error:
        details = error.errors()[0]
        option = str(details["loc"][0]) if details["loc"] else ""
        source = spec.option_sources.get(option, spec.source)
        raise ProjectError(source, _describe_error(component, option, details)) from None


def _describe_error(component: type[Component], option: str, details: ErrorDetails) -> str:
    name = component.__name__
    fields = component.Config.model_fields
    if details["type"] == "extra_forbidden":
        return f"unknown option '{option}' for {name}{did_you_mean(option, fields)}"
    if details["type"] == "value_error" or option not in fields:
        reason = details["msg"].removeprefix("Value error, ")
        return f"invalid value for option '{option}' of {name}: {reason}"
    expected = _type_name(fields[option].annotation)
    return f"option '{option}' of {name} expects {expected}, got {details['input']!r}"


def _type_name(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(annotation))
    if isinstance(annotation, type) and not isinstance(annotation, types.GenericAlias):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def save_json(directory: Path, filename: str, data: Any) -> None:
    (directory / filename).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_json(directory: Path, filename: str) -> Any:
    return json.loads((directory / filename).read_text(encoding="utf-8"))
