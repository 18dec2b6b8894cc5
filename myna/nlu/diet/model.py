"""The DIET network in torch (training and export only; serving uses the ONNX graph).

Input rows follow `myna.nlu.diet.data`: tokens, then the sentence row at position
`mask.sum() - 1` of each example. The encoder's output at the sentence row is the sentence
vector used for the intent; the token rows feed the entity, role and group tag heads.
Inference (`forward`) runs on the padded batch; the training loss on its real rows only
(`myna.nlu.diet.layers.RowLayout`), which is the same maths without the padding.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import DIETDims
from myna.nlu.diet.layers import (
    Dropout,
    FeedForward,
    RowLayout,
    SparseInput,
    TransformerEncoder,
    weighted_lookup_sum,
)
from myna.nlu.diet.losses import batch_similarities, cross_entropy_loss, margin_loss
from myna.nlu.diet.torch_crf import CRF


@dataclass
class TensorBatch:
    """A `RowBatch` (a training batch) as tensors."""

    feature_ids: torch.Tensor
    feature_values: torch.Tensor
    row_sizes: torch.Tensor
    mask: torch.Tensor
    dense: torch.Tensor | None
    intent_ids: torch.Tensor
    tags: dict[str, torch.Tensor]
    # The sparse-input table rows `feature_ids` index (`BatchRows.weights`); None: the table.
    table: torch.Tensor | None = None


@dataclass
class LossOutput:
    """Total loss plus metric counts to sum over an epoch."""

    loss: torch.Tensor
    counts: dict[str, float]


def sentence_positions(mask: torch.Tensor) -> torch.Tensor:
    """Index of each example's sentence row [B]."""
    return mask.sum(dim=1) - 1


def token_mask(mask: torch.Tensor) -> torch.Tensor:
    """The mask without the sentence rows."""
    rows = torch.arange(mask.shape[1], device=mask.device).unsqueeze(0)
    return mask & (rows < sentence_positions(mask).unsqueeze(1))


class DIETModel(nn.Module):
    """Shared encoder, intent similarity head and CRF tag heads."""

    label_features: torch.Tensor  # [n_intents, F], a buffer (`DIETDims.label_features`)

    def __init__(self, config: DIETConfig, dims: DIETDims) -> None:
        super().__init__()
        self.config = config
        self.dims = dims
        drop = config.drop_rate
        density = config.connection_density
        text_units = config.dense_dimension.get("text", 128)
        self.sparse = SparseInput(
            dims.sparse_size, text_units, drop if config.use_sparse_input_dropout else 0.0
        )
        # `use_dense_input_dropout`, as in Rasa: on the dense vectors of the sparse input
        # (after its sparse-to-dense layer) and on dense featurizers' vectors.
        self.dense_dropout = Dropout(drop if config.use_dense_input_dropout else 0.0)
        self.text_ffnn = FeedForward(
            text_units + dims.dense_size, config.hidden_layers_sizes.get("text", []), density, drop
        )
        hidden = self.text_ffnn.out_features
        self.encoder: TransformerEncoder | None = None
        if config.number_of_transformer_layers > 0 and config.transformer_size:
            self.encoder = TransformerEncoder(
                hidden,
                config.transformer_size,
                config.number_of_transformer_layers,
                config.number_of_attention_heads,
                density,
                drop,
                config.drop_rate_attention,
            )
            hidden = config.transformer_size
        self.intents = config.intent_classification and dims.n_intents > 0
        if self.intents:
            self._build_intent_head(hidden)
        self.heads = dims.heads if config.entity_recognition else ()
        self.tag_logits = nn.ModuleDict({h: nn.Linear(hidden, dims.n_tags(h)) for h in self.heads})
        self.crfs = nn.ModuleDict({h: CRF(dims.n_tags(h)) for h in self.heads})

    def _build_intent_head(self, hidden: int) -> None:
        config = self.config
        label_units = config.dense_dimension.get("label", 20)
        self.text_embed = nn.Linear(hidden, config.embedding_dimension)
        label_features = torch.from_numpy(self.dims.label_features())
        self.register_buffer("label_features", label_features, persistent=False)
        self.label_input = nn.Linear(label_features.shape[1], label_units)
        self.label_ffnn = FeedForward(
            label_units,
            config.hidden_layers_sizes.get("label", []),
            config.connection_density,
            config.drop_rate,
        )
        self.label_embed = nn.Linear(self.label_ffnn.out_features, config.embedding_dimension)

    def regularised_weights(self) -> list[nn.Parameter]:
        """The weights Rasa's DIET puts its L2 term on, less the CRF transitions: the
        sparse-to-dense table, the feed-forward and input-projection kernels, and the
        embedding and tag-logit kernels. Not biases, layer norms, or the attention and
        feed-forward weights inside the transformer layers.

        Rasa regularises the transitions too. Under Adam, with the L2 gradient added where
        the data gradient is positive, that holds every transition the data rarely pushes
        at zero (SNIPS, 100 epochs: mean |A| 0.003, invalid BILOU moves not penalised),
        and entity spans break apart: exact-span F1 90.2 %, 92.6 % with the same emissions
        under BILOU-constrained transitions. So the transitions learn unregularised."""
        excluded = ("encoder.layers.", "crfs.")
        return [
            parameter
            for name, parameter in self.named_parameters()
            if parameter.dim() > 1 and not name.startswith(excluded)
        ]

    def _normalise(self, embeddings: torch.Tensor) -> torch.Tensor:
        if self.config.resolved_similarity == "cosine":
            return F.normalize(embeddings, dim=-1)
        return embeddings

    def encode(
        self,
        indices: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor,
        dense: torch.Tensor | None = None,
        sentence: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """Hidden states [B, T, H].

        `sentence` (inference only): sparse features of the sentence rows given apart,
        (indices, values) [B, K_s], added to each example's sentence row. Serving passes
        them so the token rows keep their own, smaller K (see `myna.nlu.features`).
        """
        features = self.sparse(indices, values)
        if sentence is not None:
            features = features + self._at_sentence_rows(*sentence, mask)
        features = self.dense_dropout(features)
        if dense is not None:
            features = torch.cat([features, self.dense_dropout(dense)], dim=-1)
        hidden = self.text_ffnn(features)
        if self.encoder is not None:
            # Rasa's DIET passes the transformer's output through a GELU before both heads.
            hidden = F.gelu(self.encoder(hidden, mask))
        return hidden

    def _at_sentence_rows(
        self, indices: torch.Tensor, values: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Sparse features [B, K_s] summed and put at each example's sentence row [B, T, U]."""
        summed = weighted_lookup_sum(self.sparse.embedding, indices, values)
        rows = torch.arange(mask.shape[1], device=mask.device).unsqueeze(0)
        at_sentence = rows == sentence_positions(mask).unsqueeze(1)
        return at_sentence.unsqueeze(-1).to(summed.dtype) * summed.unsqueeze(1)

    def encode_rows(self, batch: TensorBatch, layout: RowLayout) -> torch.Tensor:
        """Hidden states of the real rows [N, H] (training; `encode` without the padding)."""
        sparse = self.sparse.forward_rows(
            batch.feature_ids, batch.feature_values, batch.row_sizes, batch.table
        )
        features = self.dense_dropout(sparse)
        if batch.dense is not None:
            features = torch.cat([features, self.dense_dropout(layout.pack(batch.dense))], dim=-1)
        hidden = self.text_ffnn(features)
        if self.encoder is not None:
            hidden = F.gelu(self.encoder.forward_rows(hidden, layout))
        return hidden

    def text_embeddings(self, sentence: torch.Tensor) -> torch.Tensor:
        """Intent-space embeddings [B, E] of the sentence rows' hidden states [B, H]."""
        return self._normalise(self.text_embed(sentence))

    def label_embeddings(self) -> torch.Tensor:
        """Embeddings of all intents [n_intents, E] (from `DIETDims.label_features`)."""
        labels = self.label_input(self.label_features)
        return self._normalise(self.label_embed(self.label_ffnn(labels)))

    def forward(
        self,
        indices: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor,
        dense: torch.Tensor | None = None,
        sentence: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> dict[str, torch.Tensor]:
        """Inference outputs: `intent_scores` [B, n] (softmax), `<head>_logits` [B, T, n_tags]."""
        hidden = self.encode(indices, values, mask, dense, sentence)
        outputs: dict[str, torch.Tensor] = {}
        if self.intents:
            rows = torch.arange(hidden.shape[0], device=hidden.device)
            sentence = hidden[rows, sentence_positions(mask)]
            similarities = self.text_embeddings(sentence) @ self.label_embeddings().T
            outputs["intent_scores"] = torch.softmax(similarities, dim=-1)
        for head in self.heads:
            outputs[f"{head}_logits"] = self.tag_logits[head](hidden)
        return outputs

    def _intent_loss(
        self, sentence: torch.Tensor, batch: TensorBatch, counts: dict[str, float]
    ) -> torch.Tensor:
        text = self.text_embeddings(sentence)
        labels = self.label_embeddings()
        positives = batch.intent_ids
        count = self.config.number_of_negative_examples
        sim = batch_similarities(text, labels, positives, count)
        loss_fn = cross_entropy_loss if self.config.loss_type == "cross_entropy" else margin_loss
        loss = loss_fn(sim, self.config).mean()
        predicted = (text @ labels.T).argmax(dim=-1)
        counts["intent_correct"] = float((predicted == positives).sum())
        counts["intent_total"] = float(positives.shape[0])
        return loss

    def _tag_loss(
        self,
        hidden: torch.Tensor,
        layout: RowLayout,
        batch: TensorBatch,
        counts: dict[str, float],
        tag_metrics: bool,
    ) -> torch.Tensor:
        tokens = token_mask(batch.mask)
        loss = torch.zeros(())
        for head in self.heads:
            logits = layout.unpack(self.tag_logits[head](hidden))
            gold = batch.tags[head]
            loss = loss + self.crfs[head].nll(logits, gold, tokens).mean()
            if head == "entity" and tag_metrics:
                predicted = self.crfs[head].decode(logits.detach(), tokens)
                counts["tag_true_positive"] = float(((predicted == gold) & (gold > 0)).sum())
                counts["tag_predicted"] = float(((predicted > 0) & tokens).sum())
                counts["tag_gold"] = float(((gold > 0) & tokens).sum())
        return loss

    def loss(self, batch: TensorBatch, tag_metrics: bool = True) -> LossOutput:
        """Training loss (intent + tag heads) and metric counts for `batch`.

        The L2 term is not in it: `trainer.add_l2_gradients` adds its gradient to
        `regularised_weights()` after the backward pass, the way Rasa does.

        `tag_metrics=False` skips the entity Viterbi decode behind the tag F1 counts (a
        [B, n, n] max per token with many tags): nobody sees them when no bar is shown.
        """
        counts: dict[str, float] = {}
        layout = RowLayout(batch.mask)
        hidden = self.encode_rows(batch, layout)
        total = torch.zeros(())
        if self.intents:
            sentence = hidden.index_select(0, layout.ends)
            total = total + self._intent_loss(sentence, batch, counts)
        if self.heads:
            total = total + self._tag_loss(hidden, layout, batch, counts, tag_metrics)
        counts["loss_sum"] = float(total.detach()) * batch.mask.shape[0]
        counts["examples"] = float(batch.mask.shape[0])
        return LossOutput(total, counts)
