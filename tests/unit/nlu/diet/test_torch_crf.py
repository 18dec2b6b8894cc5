"""The torch CRF's forward algorithm (training) against a plain float64 reference."""

import torch

from myna.nlu.diet.torch_crf import CRF


def reference_log_partition(
    emissions: torch.Tensor, transitions: torch.Tensor, lengths: list[int]
) -> torch.Tensor:
    """log Z of each sequence by the textbook recursion (one sequence at a time)."""
    results = []
    for row, length in enumerate(lengths):
        alpha = emissions[row, 0]
        for t in range(1, length):
            alpha = torch.logsumexp(alpha.unsqueeze(1) + transitions, 0) + emissions[row, t]
        results.append(torch.logsumexp(alpha, dim=0))
    return torch.stack(results)


def test_log_partition_of_unsorted_lengths_matches_the_reference_with_gradients() -> None:
    """Sequences set aside as they end, in any batch order, including empty ones."""
    torch.manual_seed(5)
    crf = CRF(11)
    with torch.no_grad():
        crf.transitions.normal_(0, 2)
    lengths = [3, 9, 0, 1, 9, 5, 2, 7]
    mask = torch.arange(9).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    emissions = (torch.randn(len(lengths), 9, 11) * 3).requires_grad_()
    actual = crf.log_partition(emissions, mask)
    weights = torch.rand(len(lengths))
    (actual * weights).sum().backward()
    emissions64 = emissions.detach().double().requires_grad_()
    transitions64 = crf.transitions.detach().double().requires_grad_()
    expected = reference_log_partition(emissions64, transitions64, lengths)
    (expected * weights.double()).sum().backward()
    torch.testing.assert_close(actual.double(), expected, rtol=1e-5, atol=1e-4)
    assert emissions.grad is not None and crf.transitions.grad is not None
    assert emissions64.grad is not None and transitions64.grad is not None
    torch.testing.assert_close(emissions.grad.double(), emissions64.grad, rtol=0, atol=1e-5)
    torch.testing.assert_close(crf.transitions.grad.double(), transitions64.grad, rtol=0, atol=1e-4)
