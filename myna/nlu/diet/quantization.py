"""int8 DIET graphs: onnxruntime's dynamic quantisation of an exported model's weights.

Training with `quantize: true` writes the int8 graph beside the fp32 one at export;
`quantize_exported` adds it to a model exported without it, so that one trained model can
be served, and scored, both ways.
"""

from dataclasses import replace
from pathlib import Path

from onnxruntime.quantization import QuantType, quantize_dynamic

from myna.nlu.diet.artifacts import (
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    read_metadata,
    write_metadata,
)


def write_int8_graph(directory: Path) -> None:
    """`model.int8.onnx` from `model.onnx`: int8 weights per output channel, the
    activations quantised at run time."""
    quantize_dynamic(
        directory / MODEL_FILE,
        directory / QUANTIZED_MODEL_FILE,
        weight_type=QuantType.QInt8,
        per_channel=True,
    )


def quantize_exported(directory: Path) -> None:
    """Make an exported model serve an int8 graph, as if trained with `quantize: true`."""
    metadata = read_metadata(directory)
    write_int8_graph(directory)
    config = metadata.config.model_copy(update={"quantize": True})
    write_metadata(directory, replace(metadata, config=config, quantized=True))
