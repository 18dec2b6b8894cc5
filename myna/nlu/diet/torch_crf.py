"""Linear-chain CRF in torch (training): negative log-likelihood and batched Viterbi.

Same scoring as `myna.nlu.diet.crf`. Masks are prefix masks [B, T] (True on real tokens).

The forward algorithm runs in exp space: each step is one [B, n] x [n, n] matrix product
with shifted `exp(alpha)` and `exp(transitions)` instead of a [B, n, n] log-sum-exp, which
made training with many tags (SNIPS: 157, ATIS: 317) slow and memory hungry. The shifts
(row max of alpha, column max of the transitions) keep at least one term of each sum at 1;
a sum that still underflows is floored at `_TINY` (its tag is then unreachable anyway).
Its gradient is the backward recursion written out (`ForwardAlgorithm`), not autograd's
graph of a dozen nodes per step.
"""

from typing import Any

import torch
from torch import nn

_TINY = 1e-30


class ForwardAlgorithm(torch.autograd.Function):
    """log Z [B] of emissions [B, L, n] sorted by length, longest first; step t advances
    only the first `active[t - 1]` sequences (those longer than t).

    Step t: `a = exp(alpha - top)` (top: the row max), `s = max(a @ moves, _TINY)` with
    `moves = exp(transitions - shift)` (shift: the column max), and
    `alpha[:k] = log(s) + top + shift + emissions[:k, t]`. Backward, with `g` the gradient
    of alpha: the emissions of step t get `g`, `r = g / s` (0 where s was floored),
    `moves` gets `a.T @ r`, and the previous alpha gets `a * (r @ moves.T)`; the
    transitions get `grad(moves) * moves`. The shifts cancel, so they take no gradient.
    """

    @staticmethod
    def forward(
        ctx: Any, emissions: torch.Tensor, transitions: torch.Tensor, active: list[int]
    ) -> torch.Tensor:
        shift = transitions.max(dim=0, keepdim=True).values
        moves = torch.exp(transitions - shift)
        alpha = emissions[:, 0].clone()
        exps, sums = [], []
        for t, count in enumerate(active, start=1):
            previous = alpha[:count]
            top = previous.max(dim=1, keepdim=True).values
            exps.append(torch.exp(previous - top))
            sums.append(torch.mm(exps[-1], moves))
            alpha[:count] = (
                torch.log(sums[-1].clamp_min(_TINY)) + (top + shift) + emissions[:count, t]
            )
        ctx.exps, ctx.sums, ctx.active = exps, sums, active
        ctx.save_for_backward(alpha, moves)
        ctx.shape = emissions.shape
        return torch.logsumexp(alpha, dim=1)

    @staticmethod
    def backward(ctx: Any, grad_log_z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, None]:
        alpha, moves = ctx.saved_tensors
        grad = torch.softmax(alpha, dim=1) * grad_log_z.unsqueeze(1)
        grad_emissions = grad.new_zeros(ctx.shape)
        grad_moves = torch.zeros_like(moves)
        for t in range(len(ctx.active), 0, -1):
            count, exps, sums = ctx.active[t - 1], ctx.exps[t - 1], ctx.sums[t - 1]
            step = grad[:count]
            grad_emissions[:count, t] = step
            ratio = torch.where(sums > _TINY, step / sums, 0.0)
            grad_moves.addmm_(exps.T, ratio)
            grad[:count] = exps * torch.mm(ratio, moves.T)
        grad_emissions[:, 0] = grad
        return grad_emissions, grad_moves * moves, None


class CRF(nn.Module):
    """Transition matrix `transitions[previous, next]` plus the CRF likelihood."""

    def __init__(self, n_tags: int) -> None:
        super().__init__()
        self.transitions = nn.Parameter(torch.empty(n_tags, n_tags).uniform_(-0.1, 0.1))

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log Z per sequence [B] by the forward algorithm (`ForwardAlgorithm`).

        The sequences run longest first, and step t advances only those longer than t (a
        prefix once sorted), so a batch costs its real tokens, not B x its longest.
        """
        lengths = mask.sum(dim=1)
        order = torch.argsort(lengths, descending=True, stable=True)
        longest = max(int(lengths.max()), 1)
        later = torch.arange(1, longest, device=lengths.device).unsqueeze(1)
        active = (lengths.unsqueeze(0) > later).sum(dim=1).tolist()
        by_length = ForwardAlgorithm.apply(
            emissions.index_select(0, order)[:, :longest], self.transitions, active
        )
        return torch.zeros_like(by_length).index_copy(0, order, by_length)

    def path_score(
        self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """Score of the given tag paths [B]."""
        weights = mask.to(emissions.dtype)
        emitted = emissions.gather(2, tags.unsqueeze(2)).squeeze(2) * weights
        moved = self.transitions[tags[:, :-1], tags[:, 1:]] * weights[:, 1:]
        return emitted.sum(dim=1) + moved.sum(dim=1)

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per sequence [B]; 0 for sequences without tokens."""
        loss = self.log_partition(emissions, mask) - self.path_score(emissions, tags, mask)
        return loss * mask[:, 0].to(loss.dtype)

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Viterbi tag paths int64 [B, T] (0 on padding)."""
        batch, length, n_tags = emissions.shape
        identity = torch.arange(n_tags).expand(batch, n_tags)
        score = emissions[:, 0]
        pointers = []
        for t in range(1, length):
            best, previous = (score.unsqueeze(2) + self.transitions).max(dim=1)
            keep = mask[:, t : t + 1]
            score = torch.where(keep, best + emissions[:, t], score)
            pointers.append(torch.where(keep, previous, identity))
        current = score.argmax(dim=1)
        path = [current]
        for previous in reversed(pointers):
            current = previous.gather(1, current.unsqueeze(1)).squeeze(1)
            path.append(current)
        tags = torch.stack(path[::-1], dim=1)
        return tags * mask.to(tags.dtype)
