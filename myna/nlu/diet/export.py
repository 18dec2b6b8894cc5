"""Export a trained DIET model to ONNX (torch; training side only).

Settings from notes/feasibility.md §1: the default (dynamo) exporter, `dynamic_shapes` on
batch, rows and K, `external_data=False` (one file), the default opset. The graph is the
inference path only: intent scores after softmax and per-row tag emission logits. Its
sparse inputs are the token rows (`indices`, `values` [B, T, K], the sentence row may be
empty) and the sentence rows' features apart (`sentence_indices`, `sentence_values`
[B, K_s]), which the graph adds at each sentence row (`DIETModel.encode`). CRF
transitions go beside it as .npy; Viterbi runs in numpy at serving time. The graph is
exported from a lean copy of the model (`myna.nlu.diet.lean_graph`): each attention block
becomes onnxruntime's fused `Attention` node, and a one-message run goes through some 70
nodes instead of 150.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from torch import nn

from myna.nlu.diet.artifacts import MODEL_FILE, DIETMetadata, write_metadata, write_transitions
from myna.nlu.diet.bilou import TagScheme
from myna.nlu.diet.lean_graph import TRANSLATION, lean_copy
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.quantization import write_int8_graph
from myna.nlu.onnx_export import export_onnx_quietly

# Example sizes for tracing: all above 1 and distinct, so no dimension is specialised to
# a constant or tied to another.
_EXAMPLE_BATCH, _EXAMPLE_ROWS, _EXAMPLE_WIDTH, _EXAMPLE_SENTENCE_WIDTH = 2, 5, 3, 4


class InferenceGraph(nn.Module):
    """The model's inference outputs as a tuple in a fixed order (ONNX needs positions)."""

    def __init__(self, model: DIETModel) -> None:
        super().__init__()
        self.model = model
        self.output_names = tuple(self._outputs())

    def _outputs(self) -> list[str]:
        names = ["intent_scores"] if self.model.intents else []
        return names + [f"{head}_logits" for head in self.model.heads]

    def forward(
        self,
        indices: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor,
        sentence_indices: torch.Tensor,
        sentence_values: torch.Tensor,
        dense: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        sentence = (sentence_indices, sentence_values)
        outputs = self.model(indices, values, mask, dense, sentence)
        return tuple(outputs[name] for name in self.output_names)


def example_inputs(model: DIETModel) -> dict[str, torch.Tensor]:
    """Valid random inputs of the traced sizes (every example has at least its sentence row)."""
    generator = torch.Generator().manual_seed(0)
    shape = (_EXAMPLE_BATCH, _EXAMPLE_ROWS, _EXAMPLE_WIDTH)
    sentence_shape = (_EXAMPLE_BATCH, _EXAMPLE_SENTENCE_WIDTH)
    vocabulary = model.dims.sparse_size + 1
    inputs = {
        "indices": torch.randint(0, vocabulary, shape, generator=generator),
        "values": torch.rand(shape, generator=generator),
        "mask": torch.tensor([[True] * _EXAMPLE_ROWS, [True, True, True, False, False]]),
        "sentence_indices": torch.randint(0, vocabulary, sentence_shape, generator=generator),
        "sentence_values": torch.rand(sentence_shape, generator=generator),
    }
    if model.dims.dense_size:
        dense_shape = (*shape[:2], model.dims.dense_size)
        inputs["dense"] = torch.rand(dense_shape, generator=generator)
    return inputs


def _dynamic_shapes(names: Sequence[str]) -> dict[str, dict[int, str]]:
    shapes = {
        "indices": {0: "batch", 1: "rows", 2: "width"},
        "values": {0: "batch", 1: "rows", 2: "width"},
        "mask": {0: "batch", 1: "rows"},
        "sentence_indices": {0: "batch", 1: "sentence_width"},
        "sentence_values": {0: "batch", 1: "sentence_width"},
        "dense": {0: "batch", 1: "rows"},
    }
    return {name: shapes[name] for name in names}


def export_onnx(model: DIETModel, path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Write the inference graph of `model` to `path`; return (input names, output names)."""
    model.eval()
    graph = InferenceGraph(lean_copy(model)).eval()
    inputs = example_inputs(model)
    names = tuple(inputs)
    export_onnx_quietly(
        graph,
        args=(),
        kwargs=inputs,
        f=str(path),
        input_names=list(names),
        output_names=list(graph.output_names),
        dynamic_shapes=_dynamic_shapes(names),
        custom_translation_table=TRANSLATION,
        external_data=False,
        verbose=False,
    )
    return names, graph.output_names


def export_diet(
    model: DIETModel,
    directory: Path,
    intents: Sequence[str],
    schemes: Mapping[str, TagScheme],
    quantize_int8: bool | None = None,
) -> DIETMetadata:
    """Write graph, transitions and metadata to `directory`.

    Also writes the int8 graph if `quantize_int8` (default: the config's `quantize`).
    """
    if quantize_int8 is None:
        quantize_int8 = model.config.quantize
    directory.mkdir(parents=True, exist_ok=True)
    if len(intents) != model.dims.n_intents:
        raise ValueError("intent names do not match the model's number of intents")
    inputs, outputs = export_onnx(model, directory / MODEL_FILE)
    if quantize_int8:
        write_int8_graph(directory)
    transitions = {head: model.crfs[head].transitions.detach().numpy() for head in model.heads}
    write_transitions(directory, transitions)
    metadata = DIETMetadata(
        config=model.config,
        dims=model.dims,
        intents=tuple(intents),
        schemes={head: schemes[head] for head in model.heads},
        inputs=inputs,
        outputs=outputs,
        quantized=quantize_int8,
    )
    write_metadata(directory, metadata)
    return metadata
