"""Linear-chain CRF in torch (training): negative log-likelihood and batched Viterbi.

Same scoring as `myna.nlu.diet.crf`. Masks are prefix masks [B, T] (True on real tokens).

The forward algorithm runs in exp space: each step is one [B, n] x [n, n] matrix product
with shifted `exp(alpha)` and `exp(transitions)` instead of a [B, n, n] log-sum-exp, which
made training with many tags (SNIPS: 157, ATIS: 317) slow and memory hungry. The shifts
(row max of alpha, column max of the transitions) keep at least one term of each sum at 1;
a sum that still underflows is floored at `_TINY` (its tag is then unreachable anyway).
"""

import torch
from torch import nn

_TINY = 1e-30


class CRF(nn.Module):
    """Transition matrix `transitions[previous, next]` plus the CRF likelihood."""

    def __init__(self, n_tags: int) -> None:
        super().__init__()
        self.transitions = nn.Parameter(torch.empty(n_tags, n_tags).uniform_(-0.1, 0.1))

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log Z per sequence [B] by the forward algorithm.

        The steps run up to the longest sequence only, over `unbind` views: indexing
        `emissions[:, t]` in the loop would make autograd zero-fill a full [B, T, n]
        gradient per step.
        """
        shift = self.transitions.detach().max(dim=0, keepdim=True).values
        moves = torch.exp(self.transitions - shift)
        length = max(int(mask.sum(dim=1).max()), 1)
        steps = emissions[:, :length].unbind(1)
        keeps = mask[:, :length].unsqueeze(2).unbind(1)
        alpha = steps[0]
        for emitted, keep in zip(steps[1:], keeps[1:], strict=True):
            top = alpha.detach().max(dim=1, keepdim=True).values
            summed = (torch.exp(alpha - top) @ moves).clamp_min(_TINY)
            alpha = torch.where(keep, torch.log(summed) + (top + shift) + emitted, alpha)
        return torch.logsumexp(alpha, dim=1)

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
