"""Training halves of DIETClassifier and ResponseSelector (torch; never imported to serve).

The registry's ``NLU_TRAINERS`` maps both names here. Training builds the DIET rows with
the serving class's ``training_set``, trains with ``myna.nlu.diet.trainer.train``, exports
the ONNX graph (and the int8 one with ``quantize: true``) into a working folder and serves
from it with the same ``DIETRuntime`` a loaded pipeline uses, so a just-trained pipeline
parses exactly like the persisted one. ``persist`` copies the folder.

With ``quantize: true`` the cost of int8 is measured on the training data (how often the
int8 graph's top intent and entity tags agree with the fp32 graph's), logged and kept in
``component.json`` under ``quantization``.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from rich.console import Console

from myna.nlu.classifiers.diet_classifier import DIETClassifier
from myna.nlu.classifiers.diet_component import DIETComponent, message_rows
from myna.nlu.component import ComponentConfig
from myna.nlu.diet.data import DIETExample, collate
from myna.nlu.diet.export import export_diet
from myna.nlu.diet.model import DIETModel, token_mask
from myna.nlu.diet.runtime import DIETRuntime
from myna.nlu.diet.trainer import train
from myna.nlu.message import Message
from myna.nlu.selectors.response_selector import ResponseSelector

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

logger = logging.getLogger(__name__)

_AGREEMENT_BATCH = 64


def _agreement(matches: int, total: int) -> float:
    return round(100.0 * matches / total, 2) if total else 100.0


def quantization_cost(folder: Path, examples: Sequence[DIETExample]) -> dict[str, Any]:
    """Agreement (%) of the int8 graph with the fp32 graph: top intent, entity tags."""
    fp32 = DIETRuntime.load(folder, quantized=False)
    int8 = DIETRuntime.load(folder, quantized=True)
    intents = [0, 0]
    tags = [0, 0]
    for start in range(0, len(examples), _AGREEMENT_BATCH):
        batch = collate(examples[start : start + _AGREEMENT_BATCH])
        exact, approximate = (
            runtime.predict(batch.indices, batch.values, batch.mask, batch.dense)
            for runtime in (fp32, int8)
        )
        if exact.intent_ids.shape[1]:
            same = exact.intent_ids[:, 0] == approximate.intent_ids[:, 0]
            intents = [intents[0] + int(same.sum()), intents[1] + len(same)]
        for head in fp32.heads:
            for ours, theirs in zip(exact.tags[head], approximate.tags[head], strict=True):
                tags = [tags[0] + int((ours == theirs).sum()), tags[1] + len(ours)]
    return {
        "intent_agreement": _agreement(*intents),
        "tag_agreement": _agreement(*tags),
        "examples": len(examples),
        "tags": tags[1],
    }


class DIETTrainer(DIETComponent):
    """The shared training step; keeps the torch model for ``predict_torch`` (tests).

    ``show_progress`` shows the epochs' bar (loss, accuracy, entity F1); by default (None)
    when the output is a terminal, so that batch jobs and tests train without the bar's
    per-batch metrics.
    """

    show_progress: bool | None = None

    def __init__(self, config: ComponentConfig) -> None:
        super().__init__(config)
        self.torch_model: DIETModel | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        training = self.training_set(messages, training_data)
        if not training.examples or not (training.labels or training.schemes):
            logger.warning("%s: nothing to learn (too few labels), it predicts nothing", self.name)
            return
        config = self.model_config()
        show = Console().is_terminal if self.show_progress is None else self.show_progress
        model = train(config, training.dims, training.examples, show, self.name)
        self._workdir = tempfile.TemporaryDirectory(prefix=f"myna-{self.name}-")
        folder = Path(self._workdir.name)
        export_diet(model, folder, training.labels, training.schemes, config.quantize)
        if config.quantize:
            cost = quantization_cost(folder, training.examples)
            logger.info("%s int8 quantization agreement with fp32: %s", self.name, cost)
            self.state["quantization"] = cost
        self.runtime = DIETRuntime.load(folder)
        self.model_dir = folder
        self.torch_model = model

    @torch.no_grad()
    def predict_torch(self, message: Message) -> dict[str, np.ndarray]:
        """The torch model's intent scores [n] and Viterbi tags per head (parity tests)."""
        rows = message_rows(message, self.config.featurizers)
        if self.torch_model is None or rows is None:
            return {}
        batch = collate([rows])
        inputs = [torch.from_numpy(a) for a in (batch.indices, batch.values, batch.mask)]
        dense = None if batch.dense is None else torch.from_numpy(batch.dense)
        outputs = self.torch_model(*inputs, dense)
        result = {}
        if "intent_scores" in outputs:
            result["intent_scores"] = outputs["intent_scores"][0].numpy()
        tokens = token_mask(inputs[2])
        for head in self.torch_model.heads:
            decoded = self.torch_model.crfs[head].decode(outputs[f"{head}_logits"], tokens)
            result[head] = decoded[0, : int(tokens.sum())].numpy()
        return result


class DIETClassifierTrainer(DIETTrainer, DIETClassifier):
    @property
    def name(self) -> str:
        return DIETClassifier.__name__


class ResponseSelectorTrainer(DIETTrainer, ResponseSelector):
    @property
    def name(self) -> str:
        return ResponseSelector.__name__
