"""Intent similarity losses of DIET (torch, training only).

Notation: `sim_pos` [B] is the similarity of each message to its own intent; `sim_neg`
[B, k] to sampled other intents (input-label negatives); `sim_neg_labels` [B, k] is the
similarity of the positive intent's embedding to the same negative intents (label-label
negatives, which push intent embeddings apart).
"""

from typing import Protocol

import torch
from torch.nn import functional as F


class SimilarityLossOptions(Protocol):
    """The options the losses read (DIETConfig and TEDPolicy's config provide them)."""

    @property
    def scale_loss(self) -> bool: ...
    @property
    def constrain_similarities(self) -> bool: ...
    @property
    def maximum_positive_similarity(self) -> float: ...
    @property
    def maximum_negative_similarity(self) -> float: ...
    @property
    def use_maximum_negative_similarity(self) -> bool: ...
    @property
    def negative_margin_scale(self) -> float: ...


def sample_negatives(positives: torch.Tensor, n_labels: int, count: int) -> torch.Tensor:
    """For each positive label id [B], `min(count, n_labels - 1)` distinct other ids [B, k]."""
    k = min(count, n_labels - 1)
    noise = torch.rand(positives.shape[0], n_labels)
    noise.scatter_(1, positives.unsqueeze(1), -1.0)
    return noise.topk(k, dim=1).indices


def cross_entropy_loss(
    sim_pos: torch.Tensor,
    sim_neg: torch.Tensor,
    sim_neg_labels: torch.Tensor,
    config: SimilarityLossOptions,
) -> torch.Tensor:
    """Softmax cross-entropy of the positive against all negatives, per example [B].

    `scale_loss` down-weights examples the model already gets right (weight
    `(min(0.5, 1 - p_pos) / 0.5) ** 4`, not back-propagated). `constrain_similarities` adds
    a sigmoid cross-entropy pulling `sim_pos` up and every negative similarity down, which
    keeps the similarities bounded; like Rasa's it is averaged over the similarities, not
    summed (a sum over 1 + 2k terms outweighed the softmax term 2k-fold).
    """
    logits = torch.cat([sim_pos.unsqueeze(1), sim_neg, sim_neg_labels], dim=1)
    log_probs = F.log_softmax(logits, dim=1)
    loss = -log_probs[:, 0]
    if config.scale_loss:
        wrong = (1.0 - log_probs[:, 0].exp()).clamp(max=0.5) / 0.5
        loss = loss * wrong.pow(4).detach()
    if config.constrain_similarities:
        targets = torch.zeros_like(logits)
        targets[:, 0] = 1.0
        sigmoid = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        loss = loss + sigmoid.mean(dim=1)
    return loss


def margin_loss(
    sim_pos: torch.Tensor,
    sim_neg: torch.Tensor,
    sim_neg_labels: torch.Tensor,
    config: SimilarityLossOptions,
) -> torch.Tensor:
    """Hinge loss on cosine similarities, per example [B].

    Positives are pushed above `maximum_positive_similarity`, negatives below
    `maximum_negative_similarity` (only the hardest one if `use_maximum_negative_similarity`);
    the label-label term is weighted by `negative_margin_scale`.
    """
    loss = F.relu(config.maximum_positive_similarity - sim_pos)
    negative_excess = F.relu(config.maximum_negative_similarity + sim_neg)
    if config.use_maximum_negative_similarity:
        loss = loss + negative_excess.max(dim=1).values
    else:
        loss = loss + negative_excess.sum(dim=1)
    label_excess = F.relu(config.maximum_negative_similarity + sim_neg_labels.max(dim=1).values)
    return loss + config.negative_margin_scale * label_excess


def l2_penalty(parameters: list[torch.Tensor], constant: float) -> torch.Tensor:
    """`constant / 2 * sum(w ** 2)` over weight matrices (Rasa's kernel regulariser)."""
    total = torch.zeros(())
    for weight in parameters:
        total = total + weight.pow(2).sum()
    return 0.5 * constant * total
