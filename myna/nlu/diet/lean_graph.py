"""Export-time stand-ins that make the inference graph lean (torch; export side only).

Serving runs the graph on one message at a time, where onnxruntime's cost is as much in
the number of nodes and passes over memory as in the arithmetic. `lean_copy` gives a copy
of a model whose modules compute the same maths on the same weights in a form that runs
faster there; training never sees them, and the ONNX parity tests hold them to torch's
outputs.

* `nn.MultiheadAttention` exports as some 40 small nodes per layer (reshapes, transposes,
  squeezes around the head split). `FusedSelfAttention` runs the input projection and
  the attention through the custom op `myna::self_attention`, which the export turns into
  onnxruntime's fused `com.microsoft.Attention` operator (`TRANSLATION`), then the output
  projection.
* `SparseInput`'s lookup-multiply-sum is a Mul and a ReduceSum over the [B, T, K, units]
  lookups; `MatMulSparseInput` weighs and sums them in one batched MatMul ([1, K] × [K,
  units] per row) instead, one pass less over the largest tensor of the graph.
* The transformer's sinusoidal position encodings come from a table of `MAX_TOKENS` + 1
  rows (`TransformerEncoder.tabulate_positions`), one Gather instead of six nodes.
"""

import copy

import onnxscript
import torch
from onnx.defs import OpSchema
from onnxscript import INT32
from onnxscript import opset18 as op
from torch import nn
from torch.nn import functional as F

from myna.nlu.diet.data import MAX_TOKENS
from myna.nlu.diet.layers import SparseInput, TransformerEncoder, weighted_lookup_sum


def _attention_schema() -> OpSchema:
    """The part of `com.microsoft.Attention`'s signature used here: onnx has no schemas of
    onnxruntime's own operators, and the exporter needs one to build the node."""
    parameter = OpSchema.FormalParameter
    return OpSchema(
        "Attention",
        "com.microsoft",
        1,
        inputs=[
            parameter("input", "T"),
            parameter("weights", "T"),
            parameter("bias", "T"),
            parameter("mask_index", "M"),
        ],
        outputs=[parameter("output", "T")],
        type_constraints=[("T", ["tensor(float)"], ""), ("M", ["tensor(int32)"], "")],
        attributes=[
            OpSchema.Attribute("num_heads", OpSchema.AttrType.INT),
            OpSchema.Attribute("unidirectional", OpSchema.AttrType.INT),
        ],
    )


_ATTENTION = onnxscript.values.Op(
    onnxscript.values.Opset("com.microsoft", 1), "Attention", _attention_schema()
)


@torch.library.custom_op("myna::self_attention", mutates_args=())
def self_attention(
    inputs: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    keep: torch.Tensor,
    heads: int,
    causal: bool,
) -> torch.Tensor:
    """Multi-head self-attention of `inputs` [B, T, D] with the projection of
    `nn.MultiheadAttention` (`weight` [3D, D], `bias` [3D]); `keep` [B, T] is True on the
    positions that may be attended to; `causal` also bars attending to later positions."""
    batch, length, size = inputs.shape
    query, key, value = (
        part.view(batch, length, heads, size // heads).transpose(1, 2)
        for part in F.linear(inputs, weight, bias).chunk(3, dim=-1)
    )
    allowed = keep[:, None, None, :]
    if causal:
        allowed = allowed & torch.ones(length, length, dtype=torch.bool).tril()
    attended = F.scaled_dot_product_attention(query, key, value, attn_mask=allowed)
    return attended.transpose(1, 2).reshape(batch, length, size)


def _attention_shape(inputs: torch.Tensor, *_: object) -> torch.Tensor:
    """What tracing sees of `self_attention`: an output shaped like its input."""
    return torch.empty_like(inputs)


self_attention.register_fake(_attention_shape)


def _self_attention_onnx(
    inputs: onnxscript.FLOAT,
    weight: onnxscript.FLOAT,
    bias: onnxscript.FLOAT,
    keep: onnxscript.BOOL,
    heads: int,
    causal: bool,
) -> onnxscript.FLOAT:
    """onnxruntime's Attention: weights [D, 3D], a raw 0/1 key mask [B, T] as int32."""
    return _ATTENTION(
        inputs,
        op.Transpose(weight, perm=[1, 0]),
        bias,
        op.Cast(keep, to=INT32.dtype),
        num_heads=heads,
        unidirectional=int(causal),
    )


class FusedSelfAttention(nn.Module):
    """Stands in for an `nn.MultiheadAttention` called as self-attention, weights shared."""

    def __init__(self, attention: nn.MultiheadAttention) -> None:
        super().__init__()
        self.attention = attention

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor,
        attn_mask: torch.Tensor | None = None,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, None]:
        """`nn.MultiheadAttention`'s call, for `query is key is value` and a causal or no
        `attn_mask`; no attention weights."""
        attention = self.attention
        mixed = torch.ops.myna.self_attention(
            query,
            attention.in_proj_weight,
            attention.in_proj_bias,
            ~key_padding_mask,
            attention.num_heads,
            attn_mask is not None,
        )
        return attention.out_proj(mixed), None


class MatMulSparseInput(nn.Module):
    """`SparseInput` in eval mode, its weighted sum over K as a batched MatMul."""

    def __init__(self, sparse: SparseInput) -> None:
        super().__init__()
        self.embedding = sparse.embedding
        self.bias = sparse.bias

    def forward(self, indices: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        return weighted_lookup_sum(self.embedding, indices, values) + self.bias


_STAND_INS: dict[type[nn.Module], type[nn.Module]] = {
    nn.MultiheadAttention: FusedSelfAttention,
    SparseInput: MatMulSparseInput,
}


def lean_copy(model: nn.Module) -> nn.Module:
    """A copy of `model` in eval mode, every module with a stand-in replaced by it, and its
    position encodings tabulated for up to `MAX_TOKENS` tokens and the sentence row."""
    lean = copy.deepcopy(model).eval()
    for module in list(lean.modules()):
        if isinstance(module, TransformerEncoder):
            module.tabulate_positions(MAX_TOKENS + 1)
        for name, child in module.named_children():
            stand_in = _STAND_INS.get(type(child))
            if stand_in is not None:
                setattr(module, name, stand_in(child))
    return lean


# For `torch.onnx.export(custom_translation_table=...)`.
TRANSLATION = {torch.ops.myna.self_attention.default: _self_attention_onnx}
