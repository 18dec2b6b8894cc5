"""Intent similarity losses of DIET (torch, training only).

Each example's input (a message, or a dialogue for TED) is compared with its own label
(an intent or action) and with negatives (`Similarities`): sampled other labels, and other
inputs of the batch with another label. The batch negatives push inputs of different labels
apart as well as towards their own label.
"""

from dataclasses import dataclass
from typing import Protocol

import torch
from torch.nn import functional as F

# The similarity given to a batch negative that shares the example's label: nothing
# (exp and the sigmoid cross-entropy of it are zero, and so is its gradient).
MASKED = -1e9


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


def sample_negatives(
    positives: torch.Tensor, n_labels: int, count: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """For each positive label id [B], `min(count, n_labels - 1)` distinct other ids [B, k]."""
    k = min(count, n_labels - 1)
    noise = torch.rand(positives.shape[0], n_labels, generator=generator)
    noise.scatter_(1, positives.unsqueeze(1), -1.0)
    return noise.topk(k, dim=1).indices


@dataclass
class Similarities:
    """Dot products of a batch's inputs and labels with their positives and negatives."""

    positive: torch.Tensor  # [b]: input · its label
    input_label: torch.Tensor  # [b, k]: input · other labels
    label_label: torch.Tensor  # [b, k]: its label · other labels
    input_input: torch.Tensor  # [b, m]: input · other inputs of the batch
    label_input: torch.Tensor  # [b, m]: its label · other inputs of the batch

    def negatives(self) -> list[torch.Tensor]:
        return [self.input_label, self.label_label, self.input_input, self.label_input]


def label_similarities(
    inputs: torch.Tensor, labels: torch.Tensor, positives: torch.Tensor, count: int
) -> Similarities:
    """Similarities of `inputs` [B, E] with `labels` [n, E], example i's label being
    `positives[i]`, and with `count` sampled other labels; no batch negatives."""
    other_labels = labels[sample_negatives(positives, labels.shape[0], count)]
    none = inputs.new_zeros(inputs.shape[0], 0)
    return Similarities(
        **_label_terms(inputs, labels[positives], other_labels),
        input_input=none,
        label_input=none,
    )


def batch_similarities(
    inputs: torch.Tensor, labels: torch.Tensor, positives: torch.Tensor, count: int
) -> Similarities:
    """Similarities of a batch's `inputs` [B, E] with `labels` [n, E], example i's label
    being `positives[i]`: with `count` sampled other labels (as `label_similarities`), and
    with `count` inputs of the batch drawn with replacement, masked where they have the
    example's own label (the example itself among them).

    In data-parallel training each process draws from its own share of the batch
    (`myna.nlu.diet.trainer`): a share of 32 to 128 messages holds plenty of other intents,
    and no process waits for the others' embeddings in the middle of a step.
    """
    own = labels[positives]
    other_labels = labels[sample_negatives(positives, labels.shape[0], count)]
    drawn = torch.randint(0, inputs.shape[0], (inputs.shape[0], count))
    same = positives[drawn] == positives.unsqueeze(1)
    other_inputs = inputs[drawn]
    return Similarities(
        **_label_terms(inputs, own, other_labels),
        input_input=(inputs.unsqueeze(1) * other_inputs).sum(dim=-1).masked_fill(same, MASKED),
        label_input=(own.unsqueeze(1) * other_inputs).sum(dim=-1).masked_fill(same, MASKED),
    )


def _label_terms(
    inputs: torch.Tensor, own: torch.Tensor, other_labels: torch.Tensor
) -> dict[str, torch.Tensor]:
    """The positive, input-label and label-label similarities (`Similarities`' fields) of
    `inputs` [b, E], their labels' embeddings `own` [b, E] and `other_labels` [b, k, E]."""
    return {
        "positive": (inputs * own).sum(dim=-1),
        "input_label": (inputs.unsqueeze(1) * other_labels).sum(dim=-1),
        "label_label": (own.unsqueeze(1) * other_labels).sum(dim=-1),
    }


def cross_entropy_loss(sim: Similarities, config: SimilarityLossOptions) -> torch.Tensor:
    """Softmax cross-entropy of the positive against all negatives, per example [B].

    `scale_loss` down-weights examples the model already gets right (weight
    `(min(0.5, 1 - p_pos) / 0.5) ** 4`, not back-propagated). `constrain_similarities` adds
    a sigmoid cross-entropy pulling `sim_pos` up and every negative similarity down, which
    keeps the similarities bounded; like Rasa's it is averaged over the similarities, not
    summed (a sum over 1 + 4k terms outweighed the softmax term 4k-fold).
    """
    logits = torch.cat([sim.positive.unsqueeze(1), *sim.negatives()], dim=1)
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


def margin_loss(sim: Similarities, config: SimilarityLossOptions) -> torch.Tensor:
    """Hinge loss on cosine similarities, per example [B].

    Positives are pushed above `maximum_positive_similarity`, input-label negatives below
    `maximum_negative_similarity` (only the hardest one if `use_maximum_negative_similarity`);
    the hardest of each other kind of negative too, weighted by `negative_margin_scale`.
    """
    loss = F.relu(config.maximum_positive_similarity - sim.positive)
    negative_excess = F.relu(config.maximum_negative_similarity + sim.input_label)
    if config.use_maximum_negative_similarity:
        loss = loss + negative_excess.max(dim=1).values
    else:
        loss = loss + negative_excess.sum(dim=1)
    for others in (sim.label_label, sim.input_input, sim.label_input):
        if others.shape[1] == 0:  # no batch negatives (`label_similarities`)
            continue
        excess = F.relu(config.maximum_negative_similarity + others.max(dim=1).values)
        loss = loss + config.negative_margin_scale * excess
    return loss


def l2_penalty(parameters: list[torch.Tensor], constant: float) -> torch.Tensor:
    """`constant / 2 * sum(w ** 2)` over weight matrices (Rasa's kernel regulariser)."""
    total = torch.zeros(())
    for weight in parameters:
        total = total + weight.pow(2).sum()
    return 0.5 * constant * total
