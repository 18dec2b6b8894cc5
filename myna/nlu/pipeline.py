"""The NLU pipeline: an ordered list of components, trained and run top to bottom.

On disk a trained pipeline is a folder with ``pipeline.json`` (component names, their
validated options and the intents seen in training) and one sub-folder per component,
named ``<index>_<ComponentName>``, holding what that component learnt.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from myna.nlu.component import Component, build_config, load_json, save_json
from myna.nlu.message import Message
from myna.nlu.registry import (
    UnknownComponentError,
    UnsupportedComponentError,
    lookup,
    lookup_trainer,
)
from myna.nlu.shortcut import decode_shortcut
from myna.project.errors import ProjectError

if TYPE_CHECKING:
    from myna.project.config import ComponentSpec, ProjectConfig
    from myna.project.domain_responses import Response
    from myna.project.nlu import NLUData

PIPELINE_FILE = "pipeline.json"
FORMAT_VERSION = 1


class Pipeline:
    def __init__(self, components: Sequence[Component], intents: Iterable[str] = ()) -> None:
        self.components = list(components)
        self.intents = sorted(set(intents))

    @classmethod
    def from_specs(cls, specs: Iterable[ComponentSpec]) -> Pipeline:
        """Build components to train; bad names or options raise ProjectError.

        Options are checked against the serving class, the object is the training class
        (``lookup_trainer``). A component may also refuse options it can only check when
        training (e.g. a model directory that does not exist) with a ValueError.
        """
        components: list[Component] = []
        for spec in specs:
            try:
                config = build_config(lookup(spec.name), spec)
                components.append(lookup_trainer(spec.name)(config))
            except (UnknownComponentError, UnsupportedComponentError, ValueError) as error:
                raise ProjectError(spec.source, str(error)) from None
        return cls(components)

    @classmethod
    def from_config(cls, config: ProjectConfig) -> Pipeline:
        return cls.from_specs(config.pipeline)

    def train(self, nlu_data: NLUData, responses: Iterable[Response] = ()) -> list[Message]:
        """Train every component in order; returns the processed training messages.

        ``responses`` (e.g. the domain's) supply the retrieval responses (``utter_faq/...``)
        a ResponseSelector returns with its prediction.
        """
        nlu_data = nlu_data.with_responses(responses)
        messages = [Message.from_example(example) for example in nlu_data.examples]
        for component in self.components:
            component.train(messages, nlu_data)
            if component.processes_training_data:
                for message in messages:
                    component.process(message)
        self.intents = sorted({*nlu_data.intents, *nlu_data.retrieval_intents})
        return messages

    def process(self, text: str, *, known_intents: Collection[str] | None = None) -> Message:
        """Run the pipeline on ``text``; ``/intent`` shortcuts of known intents skip it.

        ``known_intents`` defaults to the intents of the training data.
        """
        return self.process_batch([text], known_intents=known_intents)[0]

    def parse(self, text: str, *, known_intents: Collection[str] | None = None) -> dict[str, Any]:
        """Rasa's ``/model/parse`` result for ``text``."""
        return self.process(text, known_intents=known_intents).to_parse_result()

    def process_batch(
        self, texts: Sequence[str], *, known_intents: Collection[str] | None = None
    ) -> list[Message]:
        """``process`` for many texts, in order; each component takes them all at once, so
        DIET models run on batches (higher throughput, more latency per text)."""
        intents = self.intents if known_intents is None else known_intents
        messages: list[Message] = []
        pending: list[Message] = []  # not `/intent` shortcuts: the components' work
        for text in texts:
            shortcut = decode_shortcut(text, intents)
            if shortcut is None:
                pending.append(Message(text))
            messages.append(pending[-1] if shortcut is None else shortcut)
        for component in self.components:
            component.process_batch(pending)
        return messages

    def parse_batch(
        self, texts: Sequence[str], *, known_intents: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """``parse`` for many texts, in order (see ``process_batch``)."""
        messages = self.process_batch(texts, known_intents=known_intents)
        return [message.to_parse_result() for message in messages]

    def persist(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        entries = []
        for index, component in enumerate(self.components):
            folder = f"{index}_{component.name}"
            (directory / folder).mkdir()
            component.persist(directory / folder)
            entries.append(
                {"name": component.name, "folder": folder, "config": component.config.model_dump()}
            )
        save_json(
            directory,
            PIPELINE_FILE,
            {"format": FORMAT_VERSION, "intents": self.intents, "components": entries},
        )

    @classmethod
    def load(cls, directory: Path) -> Pipeline:
        saved = load_json(directory, PIPELINE_FILE)
        if saved.get("format") != FORMAT_VERSION:
            raise ValueError(f"{directory}: unsupported pipeline format {saved.get('format')!r}")
        components = []
        for entry in saved["components"]:
            component_class = lookup(entry["name"])
            config = component_class.Config.model_validate(entry["config"])
            components.append(component_class.load(directory / entry["folder"], config))
        return cls(components, saved["intents"])
