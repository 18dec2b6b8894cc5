"""Files of an exported DIET model (serving-safe: json and npy, no pickle).

A model directory holds `model.onnx` (fp32), optionally `model.int8.onnx`, one
`<head>_transitions.npy` per tag head and `metadata.json` (this module's `DIETMetadata`).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from myna.nlu.diet.bilou import TagScheme
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import DIETDims

FORMAT_VERSION = 1
METADATA_FILE = "metadata.json"
MODEL_FILE = "model.onnx"
QUANTIZED_MODEL_FILE = "model.int8.onnx"


def transitions_file(head: str) -> str:
    return f"{head}_transitions.npy"


@dataclass(frozen=True)
class DIETMetadata:
    """What the runtime needs besides the graph: names, sizes, options, file names."""

    config: DIETConfig
    dims: DIETDims
    intents: tuple[str, ...]
    schemes: Mapping[str, TagScheme]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    quantized: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "config": self.config.model_dump(mode="json"),
            "dims": self.dims.to_json(),
            "intents": list(self.intents),
            "schemes": {head: scheme.to_json() for head, scheme in self.schemes.items()},
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "quantized": self.quantized,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "DIETMetadata":
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported DIET model format {data.get('format_version')!r}")
        # connection_density already holds the migrated value of the deprecated alias.
        config_data = {k: v for k, v in data["config"].items() if k != "weight_sparsity"}
        return cls(
            config=DIETConfig.model_validate(config_data),
            dims=DIETDims.from_json(data["dims"]),
            intents=tuple(data["intents"]),
            schemes={head: TagScheme.from_json(s) for head, s in data["schemes"].items()},
            inputs=tuple(data["inputs"]),
            outputs=tuple(data["outputs"]),
            quantized=bool(data.get("quantized", False)),
        )


def write_metadata(directory: Path, metadata: DIETMetadata) -> None:
    text = json.dumps(metadata.to_json(), indent=2, sort_keys=True)
    (directory / METADATA_FILE).write_text(text + "\n", encoding="utf-8")


def read_metadata(directory: Path) -> DIETMetadata:
    return DIETMetadata.from_json(json.loads((directory / METADATA_FILE).read_text("utf-8")))


def write_transitions(directory: Path, transitions: Mapping[str, np.ndarray]) -> None:
    for head, matrix in transitions.items():
        np.save(directory / transitions_file(head), matrix.astype(np.float32), allow_pickle=False)


def read_transitions(directory: Path, heads: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {head: np.load(directory / transitions_file(head), allow_pickle=False) for head in heads}
