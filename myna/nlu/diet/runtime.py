"""DIET serving with onnxruntime and numpy only (importing this module never imports torch).

`DIETRuntime.load(directory)` opens an exported model (see `myna.nlu.diet.artifacts`);
`predict` takes a padded batch in the layout of `myna.nlu.diet.data` and returns the intent
ranking and, per tag head, the Viterbi tags of the token rows with their confidences.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from myna.nlu.diet.artifacts import (
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    DIETMetadata,
    read_metadata,
    read_transitions,
)
from myna.nlu.diet.bilou import Token, decode_entities
from myna.nlu.diet.crf import CRFDecoder
from myna.nlu.diet.data import MAX_TOKENS


@dataclass
class DIETPrediction:
    """Predictions for a batch.

    `intent_ids`/`intent_confidences` [B, r] are sorted by confidence (r = ranking_length,
    or all intents when it is 0). `tags[head][b]` holds the tag ids of example b's tokens
    (the sentence row excluded), `tag_confidences[head][b]` their confidences (Rasa's, see
    `myna.nlu.diet.crf`).
    """

    intent_ids: np.ndarray
    intent_confidences: np.ndarray
    tags: dict[str, list[np.ndarray]]
    tag_confidences: dict[str, list[np.ndarray]]


def session_options(threads: int = 1) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def rank(scores: np.ndarray, length: int, renormalize: bool) -> tuple[np.ndarray, np.ndarray]:
    """Top `length` (0 = all) intent ids and confidences per row, best first."""
    keep = scores.shape[1] if length <= 0 else min(length, scores.shape[1])
    # Sorted in Python: a batch is usually one row of a few dozen scores, where numpy's
    # calls cost more than the sort. Stable: equal scores keep their order, as argsort's.
    rows = scores.tolist()
    picked = [sorted(range(len(row)), key=row.__getitem__, reverse=True)[:keep] for row in rows]
    order = np.array(picked, dtype=np.int64).reshape(len(rows), keep)
    confidences = np.array(
        [[row[i] for i in ids] for row, ids in zip(rows, picked, strict=True)], dtype=scores.dtype
    ).reshape(len(rows), keep)
    if renormalize and keep < scores.shape[1]:
        confidences = confidences / confidences.sum(axis=1, keepdims=True)
    return order, confidences


class DIETRuntime:
    """An exported DIET model ready to predict."""

    def __init__(
        self,
        session: ort.InferenceSession,
        metadata: DIETMetadata,
        transitions: dict[str, np.ndarray],
    ) -> None:
        self.session = session
        self.metadata = metadata
        self.decoders = {head: CRFDecoder(matrix) for head, matrix in transitions.items()}
        self.heads = tuple(head for head in metadata.schemes if head in transitions)

    @classmethod
    def load(
        cls, directory: Path | str, quantized: bool | None = None, threads: int = 1
    ) -> "DIETRuntime":
        """Load a model directory; `quantized` defaults to the model's `quantize` option."""
        directory = Path(directory)
        metadata = read_metadata(directory)
        use_int8 = metadata.quantized if quantized is None else quantized
        if use_int8 and not metadata.quantized:
            raise ValueError(f"{directory} holds no quantized model")
        model_file = QUANTIZED_MODEL_FILE if use_int8 else MODEL_FILE
        session = ort.InferenceSession(
            str(directory / model_file),
            sess_options=session_options(threads),
            providers=["CPUExecutionProvider"],
        )
        heads = tuple(metadata.schemes)
        return cls(session, metadata, read_transitions(directory, heads))

    def run(
        self,
        indices: np.ndarray,
        values: np.ndarray,
        mask: np.ndarray,
        dense: np.ndarray | None = None,
        sentence: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Raw graph outputs by name (intent softmax scores, tag emission logits).

        The sentence rows' sparse features are in `indices`/`values` (training batches) or,
        with their own width, apart in `sentence` = (indices, values) [B, K_s] (serving).
        """
        batch, rows = mask.shape
        if rows > MAX_TOKENS + 1:
            raise ValueError(f"DIET takes at most {MAX_TOKENS} tokens per example, got {rows - 1}")
        if "sentence_indices" not in self.metadata.inputs and sentence is not None:
            indices, values = _into_sentence_rows(indices, values, mask, sentence)
        feeds = {
            "indices": np.ascontiguousarray(indices, dtype=np.int64),
            "values": np.ascontiguousarray(values, dtype=np.float32),
            "mask": np.ascontiguousarray(mask, dtype=bool),
        }
        if "sentence_indices" in self.metadata.inputs:
            if sentence is None:
                sentence = (np.zeros((batch, 1), np.int64), np.zeros((batch, 1), np.float32))
            feeds["sentence_indices"] = np.ascontiguousarray(sentence[0], dtype=np.int64)
            feeds["sentence_values"] = np.ascontiguousarray(sentence[1], dtype=np.float32)
        if "dense" in self.metadata.inputs:
            if dense is None:
                raise ValueError("this DIET model needs dense features")
            feeds["dense"] = np.ascontiguousarray(dense, dtype=np.float32)
        outputs = self.session.run(None, feeds)
        return dict(zip(self.metadata.outputs, outputs, strict=True))

    def predict(
        self,
        indices: np.ndarray,
        values: np.ndarray,
        mask: np.ndarray,
        dense: np.ndarray | None = None,
        sentence: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> DIETPrediction:
        """Intent ranking and decoded tags for a padded batch (inputs as for `run`)."""
        outputs = self.run(indices, values, mask, dense, sentence)
        config = self.metadata.config
        if "intent_scores" in outputs:
            intent_ids, confidences = rank(
                outputs["intent_scores"], config.ranking_length, config.renormalize_confidences
            )
        else:
            confidences = np.zeros((mask.shape[0], 0))
            intent_ids = confidences.astype(np.int64)
        rows = np.asarray(mask).sum(axis=1).tolist()
        tags: dict[str, list[np.ndarray]] = {}
        tag_confidences: dict[str, list[np.ndarray]] = {}
        for head in self.heads:
            logits, decoder = outputs[f"{head}_logits"], self.decoders[head]
            decoded = [decoder.decode(logits[b, : n - 1]) for b, n in enumerate(rows)]
            tags[head] = [ids for ids, _ in decoded]
            tag_confidences[head] = [probabilities for _, probabilities in decoded]
        return DIETPrediction(intent_ids, confidences, tags, tag_confidences)

    def intent_ranking(self, prediction: DIETPrediction, example: int) -> list[dict[str, Any]]:
        """Rasa's `intent_ranking` entries for one example of a batch."""
        ids = prediction.intent_ids[example].tolist()
        confidences = prediction.intent_confidences[example].tolist()
        return [
            {"name": self.metadata.intents[i], "confidence": c}
            for i, c in zip(ids, confidences, strict=True)
        ]

    def entities(
        self, prediction: DIETPrediction, example: int, text: str, tokens: Sequence[Token]
    ) -> list[dict[str, Any]]:
        """Rasa entity dicts for one example, given its text and token offsets."""
        return decode_entities(
            text,
            tokens,
            {head: prediction.tags[head][example] for head in self.heads},
            {head: prediction.tag_confidences[head][example] for head in self.heads},
            self.metadata.schemes,
            self.metadata.config.splits_by_comma,
        )


def _into_sentence_rows(
    indices: np.ndarray,
    values: np.ndarray,
    mask: np.ndarray,
    sentence: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """`sentence` written into each example's sentence row, for graphs exported without
    the sentence inputs (models trained before they existed)."""
    sentence_indices, sentence_values = sentence
    width = max(indices.shape[2], sentence_indices.shape[1])
    stacked_indices = np.zeros((*indices.shape[:2], width), dtype=np.int64)
    stacked_values = np.zeros((*indices.shape[:2], width), dtype=np.float32)
    stacked_indices[:, :, : indices.shape[2]] = indices
    stacked_values[:, :, : indices.shape[2]] = values
    rows = (np.arange(indices.shape[0]), np.asarray(mask).sum(axis=1) - 1)
    stacked_indices[rows] = 0
    stacked_values[rows] = 0.0
    stacked_indices[rows[0], rows[1], : sentence_indices.shape[1]] = sentence_indices
    stacked_values[rows[0], rows[1], : sentence_values.shape[1]] = sentence_values
    return stacked_indices, stacked_values
