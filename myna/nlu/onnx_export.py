"""`torch.onnx.export` without the exporter's routine chatter (torch side; training only).

Every export by torch's dynamo exporter reports things that are not the user's concern: the
torchvision operators it skips because torchvision is not installed, dynamic axis names it
merges because two inputs share them, and a deprecation inside torch's own pytree code. A
training run exports several graphs (DIET, ResponseSelector, TED, a language model), and
those lines buried its own output. Only these messages are silenced; the exporter's other
warnings and every error still come through.
"""

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

# Logs "torchvision is not installed. Skipping torchvision::nms" and the like at WARNING.
_REGISTRATION_LOGGER = "torch.onnx._internal.exporter._registration"
_ROUTINE_WARNINGS = (
    r"# The axis name: .* will not be used, since it shares the same shape constraints",
    r"`isinstance\(treespec, LeafSpec\)` is deprecated",
)


@contextmanager
def _routine_messages_silenced() -> Iterator[None]:
    registration = logging.getLogger(_REGISTRATION_LOGGER)
    level = registration.level
    registration.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            for message in _ROUTINE_WARNINGS:
                warnings.filterwarnings("ignore", message=message)
            yield
    finally:
        registration.setLevel(level)


def export_onnx_quietly(model: torch.nn.Module, **options: Any) -> None:
    """`torch.onnx.export(model, **options)` with the routine messages silenced."""
    with _routine_messages_silenced():
        torch.onnx.export(model, **options)
