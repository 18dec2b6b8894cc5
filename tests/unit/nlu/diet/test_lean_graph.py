"""Export-time stand-ins: the same maths as the training modules, a leaner ONNX graph."""

import collections
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from conftest import Trained
from torch import nn

pytest.importorskip("onnxscript")

from myna.nlu.diet.data import MAX_TOKENS
from myna.nlu.diet.export import export_diet
from myna.nlu.diet.layers import SparseInput, TransformerEncoder
from myna.nlu.diet.lean_graph import (
    TRANSLATION,
    FusedSelfAttention,
    MatMulSparseInput,
    lean_copy,
)


@pytest.mark.parametrize("causal", [False, True])
def test_fused_attention_equals_multihead_attention(causal: bool) -> None:
    torch.manual_seed(0)
    attention = nn.MultiheadAttention(16, 4, batch_first=True).eval()
    inputs = torch.randn(3, 5, 16)
    padding = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] + [True] * 4])
    future = torch.ones(5, 5, dtype=torch.bool).triu(1) if causal else None
    with torch.no_grad():
        expected, _ = attention(
            inputs, inputs, inputs, key_padding_mask=padding, attn_mask=future, need_weights=False
        )
        fused, weights = FusedSelfAttention(attention)(
            inputs, inputs, inputs, key_padding_mask=padding, attn_mask=future
        )
    assert weights is None
    torch.testing.assert_close(fused, expected, rtol=0, atol=1e-5)


def test_matmul_sparse_input_equals_the_lookup_multiply_sum() -> None:
    torch.manual_seed(1)
    sparse = SparseInput(50, 8, drop_rate=0.5).eval()
    indices = torch.randint(0, 51, (2, 4, 6))
    values = torch.rand(2, 4, 6)
    with torch.no_grad():
        torch.testing.assert_close(
            MatMulSparseInput(sparse)(indices, values), sparse(indices, values), rtol=0, atol=1e-5
        )


def test_lean_copy_replaces_modules_and_leaves_the_model_alone(trained: Trained) -> None:
    lean = lean_copy(trained.model)
    kinds = collections.Counter(type(module) for module in lean.modules())
    assert kinds[FusedSelfAttention] == trained.config.number_of_transformer_layers
    assert kinds[MatMulSparseInput] == 1 and kinds[SparseInput] == 0
    assert all(  # each attention module left is the one its stand-in holds
        isinstance(parent, FusedSelfAttention)
        for parent in lean.modules()
        for child in parent.children()
        if isinstance(child, nn.MultiheadAttention)
    )
    assert any(isinstance(m, nn.MultiheadAttention) for m in trained.model.modules())
    assert len(lean.encoder.position_table) == MAX_TOKENS + 1
    assert len(trained.model.encoder.position_table) == 0


def test_exported_attention_is_one_onnxruntime_node(trained: Trained, tmp_path: Path) -> None:
    export_diet(trained.model, tmp_path, trained.intents, trained.schemes, quantize_int8=False)
    graph = onnx.load(tmp_path / "model.onnx").graph
    kinds = collections.Counter((node.domain, node.op_type) for node in graph.node)
    assert kinds[("com.microsoft", "Attention")] == trained.config.number_of_transformer_layers
    assert kinds[("", "Transpose")] == 0 and len(graph.node) < 80
    assert kinds[("", "Sin")] == kinds[("", "Cos")] == 0  # position encodings: a table


def test_tabulated_positions_equal_the_computed_ones() -> None:
    torch.manual_seed(3)
    encoder = TransformerEncoder(8, 16, 1, 4, 1.0, 0.0, 0.0).eval()
    inputs = torch.randn(2, 7, 8)
    mask = torch.tensor([[True] * 7, [True] * 4 + [False] * 3])
    with torch.no_grad():
        computed = encoder(inputs, mask)
        encoder.tabulate_positions(7)
        tabulated = encoder(inputs, mask)
    torch.testing.assert_close(tabulated, computed, rtol=0, atol=0)
    assert "position_table" not in encoder.state_dict()  # models load as before


@pytest.mark.parametrize("causal", [False, True])
def test_onnxruntime_attention_matches_torch(causal: bool, tmp_path: Path) -> None:
    """The translated node, with padding and a causal mask, against the torch encoder."""
    torch.manual_seed(2)
    encoder = TransformerEncoder(8, 16, 2, 4, 1.0, 0.0, 0.0, causal=causal).eval()
    inputs = torch.randn(2, 5, 8)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    path = tmp_path / "encoder.onnx"
    torch.onnx.export(
        lean_copy(encoder),
        (inputs, mask),
        str(path),
        input_names=["inputs", "mask"],
        dynamic_shapes={"inputs": {0: "batch", 1: "rows"}, "mask": {0: "batch", 1: "rows"}},
        custom_translation_table=TRANSLATION,
    )
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"inputs": inputs.numpy(), "mask": mask.numpy()})
    with torch.no_grad():
        expected = encoder(inputs, mask).numpy()
    np.testing.assert_allclose(got[mask.numpy()], expected[mask.numpy()], rtol=0, atol=1e-4)
