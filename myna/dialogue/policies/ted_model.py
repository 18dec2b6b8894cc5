"""The TED network in torch (training and export only; serving runs the ONNX graph).

Per turn, each feature block of `ted_features` (intent, entities, previous action, slots,
active loop) goes through its own dense layer (`dense_dimension`; fully connected, like
Rasa's layer for sparse features), the results are concatenated and fed to DIET's
transformer encoder over the turns (randomly connected by `connection_density`):
bidirectional with `max_history`, causal without. The last real turn's output, embedded
to `embedding_dimension`, is compared by dot product with the embeddings of all actions
(one-hot action names through a dense layer); the softmax of the similarities gives the
action confidences.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from myna.dialogue.policies.ted import TEDConfig
from myna.dialogue.policies.ted_features import BLOCKS, TEDVocabulary
from myna.nlu.diet.layers import TransformerEncoder
from myna.nlu.diet.losses import cross_entropy_loss, l2_penalty, label_similarities, margin_loss
from myna.nlu.onnx_export import export_onnx_quietly

# Example sizes for tracing: all above 1, so no dimension is specialised to a constant.
_EXAMPLE_BATCH, _EXAMPLE_TURNS = 2, 3


class TEDModel(nn.Module):
    """Turn feature layers, dialogue transformer and action label embeddings."""

    def __init__(self, config: TEDConfig, vocabulary: TEDVocabulary) -> None:
        super().__init__()
        self.config = config
        self.width = vocabulary.width
        self.blocks = [
            (block, vocabulary.starts[block], vocabulary.widths[block])
            for block in BLOCKS
            if vocabulary.widths[block] > 0
        ]
        self.turn_layers = nn.ModuleDict(
            {
                block: nn.Linear(width, config.dense_dimension.get(block, 20))
                for block, _, width in self.blocks
            }
        )
        self.input_dropout = nn.Dropout(config.drop_rate)
        concat = sum(layer.out_features for layer in self.turn_layers.values())
        size = config.dialogue_option("transformer_size")
        self.encoder = TransformerEncoder(
            concat,
            size,
            config.dialogue_option("number_of_transformer_layers"),
            config.number_of_attention_heads,
            config.connection_density,
            config.drop_rate_dialogue,
            config.drop_rate_attention,
            causal=config.max_history is None,
        )
        self.dialogue_embed = nn.Linear(size, config.embedding_dimension)
        self.n_actions = len(vocabulary.actions)
        label_units = config.dense_dimension.get("label_action_name", 20)
        self.label_layer = nn.Linear(self.n_actions, label_units)
        self.label_dropout = nn.Dropout(config.drop_rate_label)
        self.label_embed = nn.Linear(label_units, config.embedding_dimension)

    def _normalise(self, embeddings: torch.Tensor) -> torch.Tensor:
        if self.config.resolved_similarity == "cosine":
            return F.normalize(embeddings, dim=-1)
        return embeddings

    def dialogue_embeddings(self, features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Embedding of each dialogue's last real turn [B, E]."""
        turns = torch.cat(
            [
                self.turn_layers[block](features[:, :, start : start + width])
                for block, start, width in self.blocks
            ],
            dim=-1,
        )
        hidden = self.encoder(self.input_dropout(turns), mask)
        last = mask.sum(dim=1) - 1
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        return self._normalise(self.dialogue_embed(hidden[rows, last]))

    def label_embeddings(self) -> torch.Tensor:
        """Embeddings of all actions [A, E]."""
        one_hot = torch.eye(self.n_actions, device=self.label_embed.weight.device)
        return self._normalise(self.label_embed(self.label_dropout(self.label_layer(one_hot))))

    def forward(self, features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Action confidences [B, A] (softmax over the similarities)."""
        similarities = self.dialogue_embeddings(features, mask) @ self.label_embeddings().T
        return torch.softmax(similarities, dim=-1)

    def loss(
        self, features: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, int]:
        """Mean similarity loss plus L2 for a batch, and the number predicted correctly."""
        dialogue = self.dialogue_embeddings(features, mask)
        actions = self.label_embeddings()
        sim = label_similarities(dialogue, actions, labels, self.config.number_of_negative_examples)
        loss_fn = cross_entropy_loss if self.config.loss_type == "cross_entropy" else margin_loss
        loss = loss_fn(sim, self.config).mean()
        weights = [parameter for parameter in self.parameters() if parameter.dim() > 1]
        loss = loss + l2_penalty(weights, self.config.regularization_constant)
        correct = int(((dialogue @ actions.T).argmax(dim=-1) == labels).sum())
        return loss, correct


def export_onnx(model: TEDModel, width: int) -> bytes:
    """The inference graph of `model` as ONNX bytes (dynamic batch and turns)."""
    model.eval()
    generator = torch.Generator().manual_seed(0)
    features = torch.rand((_EXAMPLE_BATCH, _EXAMPLE_TURNS, width), generator=generator)
    mask = torch.tensor([[True] * _EXAMPLE_TURNS, [True] + [False] * (_EXAMPLE_TURNS - 1)])
    with tempfile.TemporaryDirectory(prefix="myna-ted-") as folder:
        path = Path(folder) / "ted.onnx"
        export_onnx_quietly(
            model,
            args=(),
            kwargs={"features": features, "mask": mask},
            f=str(path),
            input_names=["features", "mask"],
            output_names=["action_scores"],
            dynamic_shapes={"features": {0: "batch", 1: "turns"}, "mask": {0: "batch", 1: "turns"}},
            external_data=False,
            verbose=False,
        )
        return path.read_bytes()
