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

# Relative slack of the pruning bound (`CRFDecoder._scores`): far above float32 rounding
# (6e-8), so a dropped tag's score stays below the maximum even after rounding.
_PRUNING_SLACK = 1e-5


def _chosen_share(scores: np.ndarray) -> np.ndarray:
    """softmax of each row [.., n] at its maximum, i.e. 1 / sum(exp(row - max(row)))."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    # exp of a float64 copy: the same values as exp(..., dtype=float64), twice as fast
    return 1.0 / np.exp(shifted.astype(np.float64)).sum(axis=-1)


class CRFDecoder:
    """Viterbi and Rasa's tag confidences for one transition matrix."""

    def __init__(self, transitions: np.ndarray) -> None:
        self.n_tags = int(transitions.shape[0])
        self._transitions = np.ascontiguousarray(transitions, dtype=np.float32)
        self._incoming = np.ascontiguousarray(self._transitions.T)  # [next, previous]
        wide = self._transitions.astype(np.float64)
        # How far row i falls below a column's best transition, at worst over the columns.
        self._shortfall = (wide.max(axis=0) - wide).max(axis=1).tolist()
        self._scale = float(np.abs(wide).max(initial=0.0))

    def _scores(self, emissions: np.ndarray) -> tuple[np.ndarray, list[int | None]]:
        """Viterbi score vectors [T, n] (best score of a path ending in each tag at t), and
        per t > 0 the previous tag every best path into t comes from, when that is one tag.

        The max over previous tags `i` of `s[i] + A[i, j]` is pruned, with the same result:
        with `b` the best previous tag, a tag `i` with `s[b] - s[i]` above its shortfall
        `max_j(max_k A[k, j] - A[b, j])` (plus a slack) is beaten by `b` in every column,
        strictly, so only tags close to `s[b]` are compared. Usually that is `b` alone:
        the n x n step becomes one row, and `b` is every column's argmax (no tie is left).
        """
        scores = np.empty(emissions.shape, dtype=np.float32)
        scores[0] = emissions[0]
        pointers: list[int | None] = [None]
        emission_scale = float(np.abs(emissions).max(initial=0.0))
        for t in range(1, emissions.shape[0]):
            previous = scores[t - 1]
            best = int(previous.argmax())
            top = float(previous[best])
            slack = _PRUNING_SLACK * (1.0 + abs(top) + self._scale + emission_scale)
            near = previous >= top - self._shortfall[best] - slack
            if np.count_nonzero(near) == 1:
                maxima = self._transitions[best] + previous[best]
                pointers.append(best)
            else:
                contenders = np.flatnonzero(near)
                candidates = self._transitions[contenders] + previous[contenders, None]
                maxima = candidates.max(axis=0)
                pointers.append(None)
            np.add(maxima, emissions[t], out=scores[t])
        return scores, pointers

    def decode(self, emissions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Viterbi tags int64 [T] and their confidences float64 [T] (module docstring)."""
        length = emissions.shape[0]
        if length == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        scores, pointers = self._scores(emissions)
        tags = [int(scores[-1].argmax())]
        for t in range(length - 1, 0, -1):
            pointer = pointers[t]
            if pointer is None:  # the first best previous tag, as argmax breaks ties
                pointer = int((self._incoming[tags[-1]] + scores[t - 1]).argmax())
            tags.append(pointer)
        path = np.array(tags[::-1], dtype=np.int64)
        # Row t < T-1: the scores into the next chosen tag; the last row: the last scores.
        shares = np.empty(scores.shape, dtype=np.float32)
        np.add(scores[:-1], self._incoming[path[1:]], out=shares[:-1])
        shares[-1] = scores[-1]
        return path, _chosen_share(shares)
