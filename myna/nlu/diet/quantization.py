"""int8 DIET graphs: onnxruntime's dynamic quantisation of an exported model's weights.

Training with `quantize: true` writes the int8 graph beside the fp32 one at export;
`quantize_exported` adds it to a model exported without it, so that one trained model can
be served, and scored, both ways.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from onnxruntime.quantization import QuantType, quantize_dynamic

from myna.nlu.diet.artifacts import (
    MODEL_FILE,
    QUANTIZED_MODEL_FILE,
    read_metadata,
    write_metadata,
)

# `quantize_dynamic` logs this on the root logger at WARNING on every call, for any graph
# not run through its optional pre-processing (shape inference and graph optimisation).
# The int8 figures in bench/README.md are those of the graph quantised as exported, so in
# a training's output the line is advice about a step Myna leaves out on purpose.
_PREPROCESSING_ADVICE = "consider to run pre-processing before quantization"


class _DropPreprocessingAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return _PREPROCESSING_ADVICE not in record.getMessage()


@contextmanager
def _preprocessing_advice_silenced() -> Iterator[None]:
    """Only that one message; the quantiser's other warnings and its errors come through."""
    root, advice_filter = logging.getLogger(), _DropPreprocessingAdvice()
    root.addFilter(advice_filter)
    try:
        yield
    finally:
        root.removeFilter(advice_filter)


def write_int8_graph(directory: Path) -> None:
    """`model.int8.onnx` from `model.onnx`: int8 weights per output channel, the
    activations quantised at run time."""
    with _preprocessing_advice_silenced():
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
