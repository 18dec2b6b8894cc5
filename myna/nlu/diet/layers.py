"""Torch building blocks of DIET: sparse input, sparsely connected layers, transformer.

Training runs on packed rows: the real rows of a padded batch, [N, units] (`RowLayout`).
Only the attention core needs the padded [B, T] layout; every per-row step (the sparse
input, the projections, layer norms, feed-forward blocks and dropout) skips the padding,
often half of a length-bucketed batch. Inference, and so the exported graph, keeps the
padded layout.
"""

import math

import numpy as np
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


# Examples per attention group (`RowLayout`): the length-sorted batch is cut into groups of
# this many, each padded to its own longest example only.
ATTENTION_GROUP = 32


class RowLayout:
    """Where the real rows of a padded batch are: `mask` [B, T] (True on real rows).

    Packed rows keep row-major order (example by example), so each example's rows are
    contiguous and its last real row is `ends[b]`. For attention the examples are sorted
    by length and cut into groups of `ATTENTION_GROUP`, each padded to its own longest
    example only (`group_masks` [b, t]): `gather` [sum b * t] picks the packed row of every
    group slot (row 0 on padding, a finite stand-in that attention masks out), and
    `scatter` [N] picks each packed row's slot back. Every example needs a real row.
    """

    def __init__(self, mask: torch.Tensor) -> None:
        self.mask = mask
        self.batch, self.length = mask.shape
        lengths = mask.sum(dim=1)
        self.flat = mask.reshape(-1).nonzero().squeeze(1)
        self.positions = self.flat % self.length
        self.ends = torch.cumsum(lengths, dim=0) - 1
        starts = self.ends + 1 - lengths
        chunks = torch.argsort(lengths, stable=True).split(ATTENTION_GROUP)
        self.group_masks = [
            torch.arange(int(lengths[chunk].max()), device=mask.device) < lengths[chunk, None]
            for chunk in chunks
        ]
        slots = [
            torch.where(group, starts[chunk, None] + group.cumsum(dim=1) - 1, 0)
            for chunk, group in zip(chunks, self.group_masks, strict=True)
        ]
        self.gather = torch.cat([slot.reshape(-1) for slot in slots])
        real = torch.cat([group.reshape(-1) for group in self.group_masks]).nonzero().squeeze(1)
        self.scatter = torch.empty_like(real).index_copy_(0, self.gather[real], real)

    def pack(self, padded: torch.Tensor) -> torch.Tensor:
        """[B, T, ...] → the real rows [N, ...]."""
        return padded.reshape(self.batch * self.length, *padded.shape[2:]).index_select(
            0, self.flat
        )

    def unpack(self, rows: torch.Tensor) -> torch.Tensor:
        """Real rows [N, C] → [B, T, C], zeros on padding."""
        padded = rows.new_zeros(self.batch * self.length, rows.shape[1])
        return padded.index_copy_(0, self.flat, rows).view(self.batch, self.length, -1)

    def attention_biases(self, causal: bool) -> list[torch.Tensor]:
        """Additive attention masks per group (0 or -inf): [b, 1, 1, t], or [b, 1, t, t]
        when `causal`."""
        biases = []
        for group in self.group_masks:
            barred = ~group[:, None, None, :]
            if causal:
                barred = barred | future_mask(group.shape[1], group.device)
            biases.append(torch.zeros(barred.shape).masked_fill_(barred, float("-inf")))
        return biases


def keep_mask(shape: torch.Size, rate: float) -> torch.Tensor:
    """A boolean mask [shape], each element True with probability `1 - rate` (to 2**-32).

    32 random bits per element from numpy's PCG64, seeded by one draw from torch's global
    generator, so the training seed fixes it. On CPU `torch.rand` costs about 4.5 ns per
    element and `bernoulli_` (`nn.Dropout`) about 10, both on one thread; this about 1.5.
    """
    count = math.prod(shape)
    seed = int(torch.randint(2**62, ()))
    bits = np.random.default_rng(seed).bit_generator.random_raw((count + 1) // 2)
    lanes = bits.view(np.int32)[:count] >= round(rate * 2**32) - 2**31
    return torch.from_numpy(lanes).view(shape)


class Dropout(nn.Module):
    """Inverted dropout, as `nn.Dropout`, with the keep mask from `keep_mask`."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = rate

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate <= 0:
            return inputs
        keep = keep_mask(inputs.shape, self.rate).to(inputs.dtype)
        return inputs * keep.mul_(1.0 / (1.0 - self.rate))


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


def weighted_lookup_sum(
    embedding: nn.Embedding, indices: torch.Tensor, values: torch.Tensor
) -> torch.Tensor:
    """`values` [..., K] · `embedding(indices)` [..., K, U] → [..., U], as one batched
    MatMul ([1, K] × [K, U] per row): the inference form of a sparse-feature sum, one
    pass less over the lookups than a product and a sum."""
    return torch.matmul(values.unsqueeze(-2), embedding(indices)).squeeze(-2)


class SparseInput(nn.Module):
    """Sparse features in index layout → dense vectors: embed(indices) × values, summed over K.

    Equivalent to a Linear layer over the multi-hot input without ever building [B, T, V].
    In training, each non-zero input is dropped with probability `drop_rate` (not rescaled).
    `forward` is the padded lookup-multiply-sum path: what onnxruntime runs fastest
    (notes/feasibility.md §1), and so what inference and the exported graph use. Training
    calls `forward_rows`: one `embedding_bag` over the real (non-padding) entries of the
    real rows only (`myna.nlu.diet.data.RowBatch`), since a batch's K is set by its widest
    row (a sentence row of char n-grams has hundreds), and the [B, T, K, units] product
    would cost far more than needed.

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

    def _drop(self, values: torch.Tensor) -> torch.Tensor:
        if not self.training or self.drop_rate <= 0:
            return values
        return values * keep_mask(values.shape, self.drop_rate).to(values.dtype)

    def forward(self, indices: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        weighted = self.embedding(indices) * self._drop(values).unsqueeze(-1)
        return weighted.sum(dim=2) + self.bias

    def forward_rows(
        self,
        ids: torch.Tensor,
        values: torch.Tensor,
        row_sizes: torch.Tensor,
        table: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The real rows' non-padding entries, flat (`ids`, `values` [E]), row by row with
        `row_sizes` [N] entries each → [N, units]. `ids` index `table` if given (some of
        the embedding's rows, `myna.nlu.diet.batch_rows`), else the embedding."""
        weight = self.embedding.weight if table is None else table
        offsets = torch.cumsum(row_sizes, dim=0) - row_sizes
        summed = F.embedding_bag(
            ids, weight, offsets, mode="sum", per_sample_weights=self._drop(values)
        )
        return summed + self.bias


class FeedForward(nn.Sequential):
    """Stack of randomly connected Linear + GELU + dropout layers (Rasa's `Ffnn`)."""

    def __init__(self, in_features: int, sizes: list[int], density: float, drop_rate: float):
        layers: list[nn.Module] = []
        for size in sizes:
            layers += [
                RandomlyConnectedLinear(in_features, size, density),
                nn.GELU(),
                Dropout(drop_rate),
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
        self.attention_dropout = Dropout(drop_attention)
        self.ffn_norm = nn.LayerNorm(size)
        self.ffn = nn.Sequential(
            RandomlyConnectedLinear(size, 4 * size, density),
            nn.GELU(),
            Dropout(drop),
            RandomlyConnectedLinear(4 * size, size, density),
        )
        self.dropout = Dropout(drop)

    def forward(
        self, inputs: torch.Tensor, padding: torch.Tensor, future: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Padded path (inference, export). `padding` [B, T] and `future` [T, T] (optional)
        are True where attention is barred."""
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
        return hidden + self.dropout(self.ffn(self.ffn_norm(hidden)))

    def forward_rows(
        self, rows: torch.Tensor, layout: RowLayout, biases: list[torch.Tensor]
    ) -> torch.Tensor:
        """Packed path (training): real rows [N, size]; `biases` from `layout.attention_biases`."""
        hidden = rows + self.dropout(self._attend_rows(self.attention_norm(rows), layout, biases))
        return hidden + self.dropout(self.ffn(self.ffn_norm(hidden)))

    def _attend_rows(
        self, normed: torch.Tensor, layout: RowLayout, biases: list[torch.Tensor]
    ) -> torch.Tensor:
        """`nn.MultiheadAttention`'s maths with its weights: the projections on real rows
        only, attention per length group. Its own training path zero-fills a [3, B, T, size]
        gradient per q, k and v, and SDPA's CPU kernels (flash, math) run slower than these
        two matmuls at these lengths, and do not use the second thread."""
        attention = self.attention
        packed = F.linear(normed, attention.in_proj_weight, attention.in_proj_bias)
        sizes = [bias.shape[0] * bias.shape[-1] for bias in biases]
        scale = attention.head_dim**-0.5
        groups = packed.index_select(0, layout.gather).split(sizes)
        outputs = []
        for slots, bias in zip(groups, biases, strict=True):
            shape = (bias.shape[0], bias.shape[-1], 3, attention.num_heads, attention.head_dim)
            query, key, value = slots.view(shape).permute(2, 0, 3, 1, 4).unbind(0)
            scores = torch.matmul(query, key.transpose(-1, -2)).mul_(scale).add_(bias)
            weights = self.attention_dropout(torch.softmax(scores, dim=-1))
            attended = torch.matmul(weights, value)
            outputs.append(attended.transpose(1, 2).reshape(slots.shape[0], -1))
        return attention.out_proj(torch.cat(outputs).index_select(0, layout.scatter))


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
        self.dropout = Dropout(drop)
        self.layers = nn.ModuleList(
            EncoderLayer(size, heads, density, drop, drop_attention) for _ in range(layers)
        )
        self.norm = nn.LayerNorm(size)
        # Inference only: the encodings of positions 0..n-1 precomputed (`tabulate_positions`,
        # for export); empty, they are computed for each length.
        self.position_table: torch.Tensor
        self.register_buffer("position_table", torch.empty(0, size), persistent=False)

    def tabulate_positions(self, rows: int) -> None:
        """Look the position encodings of inference up in a table of `rows` rows instead of
        computing them: one Gather in the exported graph instead of a Range, sin, cos and
        a Where; positions from `rows` on are then out of range."""
        self.position_table = positional_encoding(rows, self.size, self.position_table.device)

    def _positions(self, length: int, device: torch.device) -> torch.Tensor:
        if not len(self.position_table):
            return positional_encoding(length, self.size, device)
        return self.position_table.index_select(0, torch.arange(length, device=device))

    def forward(self, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """[B, T, in] → [B, T, size]; in training via the packed rows (zeros on padding)."""
        if self.training:
            layout = RowLayout(mask)
            return layout.unpack(self.forward_rows(layout.pack(inputs), layout))
        hidden = self.projection(inputs) * math.sqrt(self.size)
        hidden = hidden + self._positions(inputs.shape[1], inputs.device)
        hidden = self.dropout(hidden)
        padding = ~mask
        future = future_mask(inputs.shape[1], inputs.device) if self.causal else None
        for layer in self.layers:
            hidden = layer(hidden, padding, future)
        return self.norm(hidden)

    def forward_rows(self, rows: torch.Tensor, layout: RowLayout) -> torch.Tensor:
        """Packed rows [N, in] → [N, size] (training)."""
        hidden = self.projection(rows) * math.sqrt(self.size)
        encoding = positional_encoding(layout.length, self.size, rows.device)
        hidden = self.dropout(hidden + encoding.index_select(0, layout.positions))
        biases = layout.attention_biases(self.causal)
        for layer in self.layers:
            hidden = layer.forward_rows(hidden, layout, biases)
        return self.norm(hidden)
