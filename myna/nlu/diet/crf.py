"""Linear-chain CRF decoding in numpy (serving-safe).

A tag path `y` over `T` tokens scores `sum_t E[t, y_t] + sum_{t>0} A[y_{t-1}, y_t]`, with
emission logits `E` [T, n] and transitions `A` [n, n] (row = previous tag, column = next).

Confidence of a decoded tag, as Rasa 3.x's `crf_decode` reports it (`confidence_entity`):
with `s_t` the Viterbi score vector after token t, the last token's confidence is
`softmax(s_{T-1})[y_{T-1}]`, and token t's (t < T-1) is
`softmax_i(s_t[i] + A[i, y_{t+1}])[y_t]`: how much of the normalised weight of the paths
into the next chosen tag comes through the chosen tag. It needs the Viterbi scores only,
so it costs O(T n) on top of Viterbi instead of a forward-backward pass in O(T n^2).
"""

import numpy as np


def _chosen_share(scores: np.ndarray) -> np.ndarray:
    """softmax of each row [.., n] at its maximum, i.e. 1 / sum(exp(row - max(row)))."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return 1.0 / np.exp(shifted, dtype=np.float64).sum(axis=-1)


class CRFDecoder:
    """Viterbi and Rasa's tag confidences for one transition matrix."""

    def __init__(self, transitions: np.ndarray) -> None:
        self.n_tags = int(transitions.shape[0])
        self._transitions = np.ascontiguousarray(transitions, dtype=np.float32)

    def _scores(self, emissions: np.ndarray) -> np.ndarray:
        """Viterbi score vectors [T, n]: best score of a path ending in each tag at t.

        Only maxima here, over axis 0 (an element-wise maximum of rows, the fastest numpy
        reduction; no argmax): backtracking recovers each chosen previous tag from the
        stored scores in O(n).
        """
        scores = np.empty(emissions.shape, dtype=np.float32)
        scores[0] = emissions[0]
        candidates = np.empty((self.n_tags, self.n_tags), dtype=np.float32)
        for t in range(1, emissions.shape[0]):
            np.add(self._transitions, scores[t - 1, :, None], out=candidates)
            np.add(candidates.max(axis=0), emissions[t], out=scores[t])
        return scores

    def decode(self, emissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Viterbi tags int64 [T] and their confidences float64 [T] (module docstring)."""
        length = emissions.shape[0]
        path = np.zeros(length, dtype=np.int64)
        if length == 0:
            return path, np.zeros(0)
        scores = self._scores(emissions)
        path[-1] = scores[-1].argmax()
        for t in range(length - 1, 0, -1):
            path[t - 1] = (self._transitions[:, path[t]] + scores[t - 1]).argmax()
        into_next = scores[:-1] + self._transitions[:, path[1:]].T
        confidences = np.append(_chosen_share(into_next), _chosen_share(scores[-1]))
        return path, confidences
