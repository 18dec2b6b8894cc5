"""Torch building blocks of DIET: sparse input, sparsely connected layers, transformer."""

import math

import torch
from torch import nn
from torch.nn import functional as F


def connection_mask(in_features: int, out_features: int, density: float) -> torch.Tensor:
    """A fixed random 0/1 mask [out, in] keeping about `density` of the weights.

    Every input and every output keeps at least one connection. Drawn from torch's global
    generator, so it follows the training seed.
    """
    mask = (torch.rand(out_features, in_features) < density).to(torch.float32)
    for k in range(max(in_features, out_features)):
        mask[k % out_features, k % in_features] = 1.0
    return mask


class RandomlyConnectedLinear(nn.Linear):
    """A Linear layer with a fixed random connection mask.

    The masked-out weights start at zero and get no gradient (the forward multiplies by the
    mask in training, and the L2 term of a zero weight is zero), so they stay zero. In eval
    mode, and so in the exported graph, the layer is a plain Linear with no mask product.
    """

    mask: torch.Tensor

    def __init__(self, in_features: int, out_features: int, density: float) -> None:
        super().__init__(in_features, out_features)
        self.register_buffer("mask", connection_mask(in_features, out_features, density))
        with torch.no_grad():
            self.weight.mul_(self.mask)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        weight = self.weight * self.mask if self.training else self.weight
        return F.linear(inputs, weight, self.bias)


class SparseInput(nn.Module):
    """Sparse features in index layout → dense vectors: embed(indices) × values, summed over K.

    Equivalent to a Linear layer over the multi-hot input without ever building [B, T, V].
    In training, each non-zero input is dropped with probability `drop_rate` (not rescaled),
    and the sum runs as one `embedding_bag` over the real (non-padding) entries only: a
    batch's K is set by its widest row (a sentence row of char n-grams has hundreds), so
    the [B, T, K, units] product of the inference path would cost far more than needed. In
    eval mode (and so in the exported graph) the lookup-multiply-sum path is kept: it is
    what onnxruntime runs fastest (notes/feasibility.md §1).

    The weights start Glorot-uniform, like the kernel of Rasa's `DenseForSparse` (a Keras
    Dense layer over the vocabulary). `nn.Embedding`'s own N(0, 1) start made a sentence
    row (hundreds of char n-grams) huge and the L2 term of the [V, units] table dwarf
    every other loss (about 700 on ATIS), and the intent head never left the majority class.
    """

    def __init__(self, vocab_size: int, units: int, drop_rate: float) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size + 1, units, padding_idx=0)
        with torch.no_grad():
            nn.init.xavier_uniform_(self.embedding.weight)
            self.embedding.weight[0].zero_()
        self.bias = nn.Parameter(torch.zeros(units))
        self.drop_rate = drop_rate

    def forward(self, indices: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        if self.training and self.drop_rate > 0:
            keep = torch.rand_like(values) >= self.drop_rate
            values = values * keep.to(values.dtype)
        if self.training:
            return self._bags(indices, values) + self.bias
        weighted = self.embedding(indices) * values.unsqueeze(-1)
        return weighted.sum(dim=2) + self.bias

    def _bags(self, indices: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        real = indices != 0
        counts = real.sum(dim=-1).reshape(-1)
        offsets = torch.cumsum(counts, dim=0) - counts
        summed = F.embedding_bag(
            indices[real],
            self.embedding.weight,
            offsets,
            mode="sum",
            per_sample_weights=values[real],
        )
        return summed.reshape(*indices.shape[:2], -1)


class FeedForward(nn.Sequential):
    """Stack of randomly connected Linear + GELU + dropout layers (Rasa's `Ffnn`)."""

    def __init__(self, in_features: int, sizes: list[int], density: float, drop_rate: float):
        layers: list[nn.Module] = []
        for size in sizes:
            layers += [
                RandomlyConnectedLinear(in_features, size, density),
                nn.GELU(),
                nn.Dropout(drop_rate),
            ]
            in_features = size
        super().__init__(*layers)
        self.out_features = in_features


class EncoderLayer(nn.Module):
    """Pre-norm transformer layer: self-attention and a randomly connected GELU FFN."""

    def __init__(self, size: int, heads: int, density: float, drop: float, drop_attention: float):
        super().__init__()
        self.attention_norm = nn.LayerNorm(size)
        self.attention = nn.MultiheadAttention(
            size, heads, dropout=drop_attention, batch_first=True
        )
        self.ffn_norm = nn.LayerNorm(size)
        self.ffn = nn.Sequential(
            RandomlyConnectedLinear(size, 4 * size, density),
            nn.GELU(),
            nn.Dropout(drop),
            RandomlyConnectedLinear(4 * size, size, density),
        )
        self.dropout = nn.Dropout(drop)

    def forward(
        self, inputs: torch.Tensor, padding: torch.Tensor, future: torch.Tensor | None = None
    ) -> torch.Tensor:
        """`padding` [B, T] and `future` [T, T] (optional) are True where attention is barred."""
        normed = self.attention_norm(inputs)
        attended, _ = self.attention(
            normed,
            normed,
            normed,
            key_padding_mask=padding,
            attn_mask=future,
            need_weights=False,
        )
        hidden = inputs + self.dropout(attended)
        if not self.training:
            return hidden + self.dropout(self.ffn(self.ffn_norm(hidden)))
        # Training: the feed-forward block (2/3 of a layer's work) runs on the real rows
        # only; padding rows keep their attention output, which nothing downstream reads.
        real = ~padding
        rows = hidden[real]
        return hidden.index_put((real,), rows + self.dropout(self.ffn(self.ffn_norm(rows))))


def positional_encoding(length: int, size: int, device: torch.device) -> torch.Tensor:
    """Sinusoidal position encodings [length, size] (absolute positions)."""
    positions = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)
    channels = torch.arange(size, device=device, dtype=torch.float32)
    rates = torch.exp(
        -math.log(10000.0) * (2 * torch.div(channels, 2, rounding_mode="floor")) / size
    )
    angles = positions * rates
    even = (torch.arange(size, device=device) % 2 == 0).unsqueeze(0)
    return torch.where(even, torch.sin(angles), torch.cos(angles))


def future_mask(length: int, device: torch.device) -> torch.Tensor:
    """[length, length], True above the diagonal: position i may not attend to j > i."""
    positions = torch.arange(length, device=device)
    return positions.unsqueeze(0) > positions.unsqueeze(1)


class TransformerEncoder(nn.Module):
    """Input projection, scaled positional encoding, pre-norm layers, final LayerNorm.

    `causal` makes attention unidirectional (each position sees itself and earlier ones).
    """

    def __init__(
        self,
        in_features: int,
        size: int,
        layers: int,
        heads: int,
        density: float,
        drop: float,
        drop_attention: float,
        causal: bool = False,
    ) -> None:
        super().__init__()
        self.size = size
        self.causal = causal
        self.projection = RandomlyConnectedLinear(in_features, size, density)
        self.dropout = nn.Dropout(drop)
        self.layers = nn.ModuleList(
            EncoderLayer(size, heads, density, drop, drop_attention) for _ in range(layers)
        )
        self.norm = nn.LayerNorm(size)

    def forward(self, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.projection(inputs) * math.sqrt(self.size)
        hidden = hidden + positional_encoding(inputs.shape[1], self.size, inputs.device)
        hidden = self.dropout(hidden)
        padding = ~mask
        future = future_mask(inputs.shape[1], inputs.device) if self.causal else None
        for layer in self.layers:
            hidden = layer(hidden, padding, future)
        return self.norm(hidden)
