"""The similarity losses: label negatives, batch negatives and their masking."""

import torch
from torch.nn import functional as F

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.losses import (
    MASKED,
    batch_similarities,
    cross_entropy_loss,
    label_similarities,
    margin_loss,
    sample_negatives,
)


def test_label_negatives_are_distinct_other_labels() -> None:
    torch.manual_seed(0)
    positives = torch.tensor([0, 3, 3, 1])
    negatives = sample_negatives(positives, n_labels=5, count=3)
    assert negatives.shape == (4, 3)
    for positive, row in zip(positives.tolist(), negatives.tolist(), strict=True):
        assert positive not in row
        assert len(set(row)) == 3
    # More negatives asked for than there are other labels: every other label, once.
    everyone = sample_negatives(positives, n_labels=5, count=20)
    assert sorted(everyone[0].tolist()) == [1, 2, 3, 4]


def test_batch_negatives_of_another_label_are_the_other_inputs() -> None:
    torch.manual_seed(1)
    inputs = torch.randn(2, 4)
    labels = torch.randn(3, 4)
    sim = batch_similarities(inputs, labels, torch.tensor([0, 2]), count=6)
    assert sim.input_input.shape == sim.label_input.shape == (2, 6)
    # Each draw is the example itself (same label: masked) or the other one.
    across = float(inputs[0] @ inputs[1])
    for row, own_label in ((0, labels[0]), (1, labels[2])):
        drawn = sim.input_input[row]
        unmasked = drawn != MASKED
        assert unmasked.any()
        torch.testing.assert_close(drawn[unmasked], torch.full_like(drawn[unmasked], across))
        other = inputs[1 - row]
        expected = (own_label @ other).expand(int(unmasked.sum()))
        torch.testing.assert_close(sim.label_input[row][unmasked], expected)
    positive = torch.stack([inputs[0] @ labels[0], inputs[1] @ labels[2]])
    torch.testing.assert_close(sim.positive, positive)


def test_a_batch_of_one_label_gets_no_batch_negatives() -> None:
    # Masked batch negatives add nothing to the softmax, and no gradient flows through them.
    torch.manual_seed(2)
    inputs = torch.randn(5, 4, requires_grad=True)
    labels = torch.randn(4, 4)
    config = DIETConfig(scale_loss=False, constrain_similarities=False)
    sim = batch_similarities(inputs, labels, torch.full((5,), 1), count=3)
    assert (sim.input_input == MASKED).all() and (sim.label_input == MASKED).all()
    loss = cross_entropy_loss(sim, config)
    logits = torch.cat([sim.positive.unsqueeze(1), sim.input_label, sim.label_label], dim=1)
    torch.testing.assert_close(loss, -F.log_softmax(logits, dim=1)[:, 0])
    loss.sum().backward(retain_graph=True)
    expected = torch.autograd.grad(-F.log_softmax(logits, dim=1)[:, 0].sum(), inputs)[0]
    torch.testing.assert_close(inputs.grad, expected)


def test_batch_negatives_push_inputs_of_other_labels_apart() -> None:
    # Two equal inputs of two labels, both orthogonal to the labels: only the batch
    # negatives have a gradient along the inputs' shared direction, and descent along it
    # lowers their similarity.
    labels = torch.eye(3)[:2]
    inputs = torch.tensor([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]], requires_grad=True)
    torch.manual_seed(3)
    sim = batch_similarities(inputs, labels, torch.tensor([0, 1]), count=8)
    assert (sim.input_input != MASKED).any()
    for loss_fn, config in (
        (cross_entropy_loss, DIETConfig(scale_loss=False)),
        (margin_loss, DIETConfig(loss_type="margin", scale_loss=False)),
    ):
        (gradient,) = torch.autograd.grad(loss_fn(sim, config).sum(), inputs, retain_graph=True)
        assert (gradient[:, 2] > 0).all()


def test_batch_negatives_are_other_inputs_of_the_batch_given() -> None:
    # In data-parallel training that batch is a process's share: its negatives are its own.
    torch.manual_seed(4)
    inputs = torch.randn(6, 4)
    positives = torch.tensor([0, 1, 2, 0, 1, 2])
    sim = batch_similarities(inputs, torch.randn(3, 4), positives, count=5)
    products = inputs @ inputs.T
    for i in range(6):
        others = {
            round(float(p), 4)
            for p, label in zip(products[i], positives, strict=True)
            if label != positives[i]
        }
        drawn = {round(float(p), 4) for p in sim.input_input[i] if p != MASKED}
        assert drawn and drawn <= others


def test_label_similarities_have_no_batch_negatives() -> None:
    # TED's: the losses take them without the batch terms.
    torch.manual_seed(5)
    inputs = torch.randn(4, 3, requires_grad=True)
    sim = label_similarities(inputs, torch.randn(5, 3), torch.tensor([0, 1, 1, 4]), count=2)
    assert sim.input_label.shape == sim.label_label.shape == (4, 2)
    assert sim.input_input.shape == sim.label_input.shape == (4, 0)
    for loss_fn, config in (
        (cross_entropy_loss, DIETConfig()),
        (margin_loss, DIETConfig(loss_type="margin")),
    ):
        loss = loss_fn(sim, config)
        assert loss.shape == (4,) and torch.isfinite(loss).all()
