"""CRF: numpy Viterbi and confidences against brute force and against the torch CRF."""

import itertools

import numpy as np
import pytest
import torch

from myna.nlu.diet.crf import CRFDecoder
from myna.nlu.diet.torch_crf import CRF


def path_scores(emissions: np.ndarray, transitions: np.ndarray) -> dict[tuple[int, ...], float]:
    length, n_tags = emissions.shape
    scores = {}
    for path in itertools.product(range(n_tags), repeat=length):
        score = sum(emissions[t, tag] for t, tag in enumerate(path))
        score += sum(transitions[a, b] for a, b in itertools.pairwise(path))
        scores[path] = float(score)
    return scores


CASES = [
    (length, n_tags, seed) for length in (1, 2, 4, 5) for n_tags in (2, 3, 4) for seed in (0, 1)
]


def softmax(x: np.ndarray) -> np.ndarray:
    return np.exp(x - x.max()) / np.exp(x - x.max()).sum()


def rasa_confidences(emissions: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Rasa's crf_decode confidences, step by step from its definition."""
    length = emissions.shape[0]
    scores = [emissions[0].astype(np.float64)]
    for t in range(1, length):
        into = scores[-1][:, None] + transitions
        scores.append(into.max(axis=0) + emissions[t])
    path = [int(np.argmax(scores[-1]))]
    for t in range(length - 2, -1, -1):
        path.insert(0, int(np.argmax(scores[t] + transitions[:, path[0]])))

    confidences = [
        softmax(scores[t] + transitions[:, path[t + 1]])[path[t]] for t in range(length - 1)
    ]
    return np.array([*confidences, softmax(scores[-1])[path[-1]]])


@pytest.mark.parametrize(("length", "n_tags", "seed"), CASES)
def test_viterbi_and_confidences_match_brute_force(length: int, n_tags: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(length, n_tags)).astype(np.float32) * 3
    transitions = rng.normal(size=(n_tags, n_tags)).astype(np.float32) * 3
    scores = path_scores(emissions, transitions)
    tags, confidences = CRFDecoder(transitions).decode(emissions)
    assert tuple(tags) == max(scores, key=scores.__getitem__)
    expected = rasa_confidences(emissions.astype(np.float64), transitions.astype(np.float64))
    np.testing.assert_allclose(confidences, expected, atol=1e-5)


def test_confidences_stay_finite_on_long_sequences() -> None:
    rng = np.random.default_rng(3)
    emissions = rng.normal(size=(300, 6)) * 20
    transitions = rng.normal(size=(6, 6)) * 10
    tags, confidences = CRFDecoder(transitions).decode(emissions)
    assert np.all(np.isfinite(confidences))
    assert np.all((confidences > 0) & (confidences <= 1 + 1e-9))
    assert tags.shape == (300,)


def test_empty_sequence() -> None:
    tags, confidences = CRFDecoder(np.zeros((3, 3))).decode(np.zeros((0, 3)))
    assert tags.shape == confidences.shape == (0,)


def test_numpy_decode_matches_torch_decode() -> None:
    torch.manual_seed(0)
    crf = CRF(5)
    with torch.no_grad():
        crf.transitions.normal_(0, 2)
    emissions = torch.randn(6, 9, 5) * 2
    lengths = [9, 1, 4, 7, 2, 9]
    mask = torch.arange(9).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    decoded = crf.decode(emissions, mask)
    decoder = CRFDecoder(crf.transitions.detach().numpy())
    for row, length in enumerate(lengths):
        expected = decoder.decode(emissions[row, :length].numpy())[0]
        assert decoded[row, :length].tolist() == expected.tolist()
        assert decoded[row, length:].eq(0).all()


def test_torch_log_likelihood_matches_brute_force() -> None:
    torch.manual_seed(1)
    crf = CRF(3)
    emissions = torch.randn(2, 4, 3)
    mask = torch.tensor([[True] * 4, [True, True, True, False]])
    tags = torch.tensor([[0, 2, 1, 1], [2, 2, 0, 0]])
    nll = crf.nll(emissions, tags, mask).detach()
    transitions = crf.transitions.detach().numpy()
    for row, length in enumerate((4, 3)):
        scores = path_scores(emissions[row, :length].numpy(), transitions)
        log_z = np.log(np.exp(list(scores.values())).sum())
        gold = scores[tuple(tags[row, :length].tolist())]
        assert float(nll[row]) == pytest.approx(log_z - gold, abs=1e-4)


def test_torch_log_likelihood_is_zero_without_tokens() -> None:
    crf = CRF(3)
    nll = crf.nll(torch.randn(1, 3, 3), torch.zeros(1, 3, dtype=torch.long), torch.zeros(1, 3) > 0)
    assert float(nll[0]) == 0.0


def test_torch_log_partition_matches_log_sum_exp_with_many_tags() -> None:
    torch.manual_seed(2)
    crf = CRF(157)
    with torch.no_grad():
        crf.transitions.normal_(0, 5)
    emissions = torch.randn(3, 7, 157, dtype=torch.float64) * 10
    mask = torch.arange(7).unsqueeze(0) < torch.tensor([[7], [4], [1]])
    alpha = emissions[:, 0]
    transitions = crf.transitions.detach().double()
    for t in range(1, 7):
        step = torch.logsumexp(alpha.unsqueeze(2) + transitions + emissions[:, t].unsqueeze(1), 1)
        alpha = torch.where(mask[:, t : t + 1], step, alpha)
    expected = torch.logsumexp(alpha, dim=1)
    with torch.no_grad():
        actual = crf.log_partition(emissions.float(), mask).double()
    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-3)


def reference_decode(emissions: np.ndarray, transitions: np.ndarray) -> tuple[np.ndarray, ...]:
    """Plain float32 Viterbi over every (previous, next) pair, without any pruning."""
    transitions = transitions.astype(np.float32)
    length = emissions.shape[0]
    scores = np.empty(emissions.shape, dtype=np.float32)
    scores[0] = emissions[0]
    for t in range(1, length):
        np.add((transitions + scores[t - 1, :, None]).max(axis=0), emissions[t], out=scores[t])
    path = np.zeros(length, dtype=np.int64)
    path[-1] = scores[-1].argmax()
    for t in range(length - 1, 0, -1):
        path[t - 1] = (transitions[:, path[t]] + scores[t - 1]).argmax()
    into_next = scores[:-1] + transitions[:, path[1:]].T
    shares = np.concatenate([into_next, scores[-1:]])
    shifted = shares - shares.max(axis=-1, keepdims=True)
    return path, 1.0 / np.exp(shifted, dtype=np.float64).sum(axis=-1)


@pytest.mark.parametrize("seed", range(40))
def test_pruned_viterbi_equals_the_plain_one_bit_for_bit(seed: int) -> None:
    """Pruning the previous tags changes nothing: same tags, same confidences, to the bit,
    including ties (rounded values), large and small scales and float64 emissions."""
    rng = np.random.default_rng(seed)
    n_tags, length = int(rng.integers(1, 60)), int(rng.integers(1, 25))
    scale = float(rng.choice([0.01, 1.0, 10.0, 1000.0]))
    transitions = (rng.normal(size=(n_tags, n_tags)) * scale * rng.choice([0.1, 1, 5])).astype(
        np.float32
    )
    emissions = rng.normal(size=(length, n_tags)) * scale
    if seed % 4 == 0:  # many exact ties
        transitions, emissions = np.round(transitions), np.round(emissions)
    if seed % 3:
        emissions = emissions.astype(np.float32)
    tags, confidences = CRFDecoder(transitions).decode(emissions)
    expected_tags, expected_confidences = reference_decode(emissions, transitions)
    np.testing.assert_array_equal(tags, expected_tags)
    assert confidences.dtype == expected_confidences.dtype
    np.testing.assert_array_equal(confidences, expected_confidences)


def test_most_steps_keep_a_single_previous_tag() -> None:
    """With a clear best tag per token the pruning leaves one previous tag per step."""
    rng = np.random.default_rng(5)
    emissions = rng.normal(size=(12, 40)).astype(np.float32)
    emissions[np.arange(12), rng.integers(0, 40, size=12)] += 20.0
    transitions = rng.normal(size=(40, 40)).astype(np.float32)
    _, pointers = CRFDecoder(transitions)._scores(emissions)
    assert all(pointer is not None for pointer in pointers[1:])
