"""Linear-chain CRF decoding in numpy (serving-safe).

A tag path `y` over `T` tokens scores `sum_t E[t, y_t] + sum_{t>0} A[y_{t-1}, y_t]`, with
emission logits `E` [T, n] and transitions `A` [n, n] (row = previous tag, column = next).

Confidence of a decoded tag: its posterior marginal `p(y_t = tag | x)` under the CRF,
computed with the scaled forward-backward algorithm. Unlike a softmax over the emissions
alone, it accounts for the transitions, so it agrees with what Viterbi decided.
"""

import numpy as np

_RESCALE_EVERY = 8


class CRFDecoder:
    """Viterbi and marginals for one transition matrix, with its derived arrays cached."""

    def __init__(self, transitions: np.ndarray) -> None:
        self.n_tags = int(transitions.shape[0])
        # [next, previous], so the per-step reductions run over contiguous rows.
        self._incoming = np.ascontiguousarray(transitions.T, dtype=np.float32)
        self._moves = np.exp(transitions - transitions.max(), dtype=np.float64)
        self._columns = np.arange(self.n_tags)

    def viterbi(self, emissions: np.ndarray) -> np.ndarray:
        """The highest-scoring tag path, int64 [T]."""
        length = emissions.shape[0]
        path = np.zeros(length, dtype=np.int64)
        if length == 0:
            return path
        backpointers = np.empty((length, self.n_tags), dtype=np.int64)
        score = emissions[0].astype(np.float32)
        for t in range(1, length):
            candidates = self._incoming + score
            best = candidates.argmax(axis=1)
            backpointers[t] = best
            score = candidates[self._columns, best] + emissions[t]
        path[-1] = score.argmax()
        for t in range(length - 1, 0, -1):
            path[t - 1] = backpointers[t, path[t]]
        return path

    def marginals(self, emissions: np.ndarray) -> np.ndarray:
        """Posterior tag probabilities per token, float64 [T, n] (rows sum to 1).

        Forward and backward vectors are rescaled every `_RESCALE_EVERY` steps only: each
        step shrinks them by at most exp(-(max(A) - min(A))), far from float64 underflow.
        """
        length = emissions.shape[0]
        potentials = np.exp(emissions - emissions.max(axis=1, keepdims=True), dtype=np.float64)
        forward = np.empty_like(potentials)
        backward = np.empty_like(potentials)
        if length == 0:
            return forward
        forward[0] = potentials[0]
        for t in range(1, length):
            forward[t] = (forward[t - 1] @ self._moves) * potentials[t]
            if t % _RESCALE_EVERY == 0:
                forward[t] /= forward[t].sum()
        backward[-1] = 1.0
        for t in range(length - 2, -1, -1):
            backward[t] = self._moves @ (potentials[t + 1] * backward[t + 1])
            if t % _RESCALE_EVERY == 0:
                backward[t] /= backward[t].sum()
        joint = forward * backward
        return joint / joint.sum(axis=1, keepdims=True)

    def decode(self, emissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Viterbi tags int64 [T] and their posterior marginals float64 [T]."""
        tags = self.viterbi(emissions)
        probabilities = self.marginals(emissions)
        return tags, probabilities[np.arange(len(tags)), tags]
