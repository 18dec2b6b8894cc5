"""Training on the synthetic data set: accuracy, tags, reproducibility, batching."""

import sys

import numpy as np
import pytest
import torch
from conftest import SMALL, Trained
from diet_synthetic import dims, examples, make_dataset, schemes

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import balanced_order, collate, length_batches
from myna.nlu.diet.layers import RandomlyConnectedLinear
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.trainer import add_l2_gradients, epoch_order, evaluate, train
from myna.nlu.diet.training_process import HeapLimit, resident_bytes


def test_trains_to_high_intent_accuracy_and_correct_tags(trained: Trained) -> None:
    metrics = evaluate(trained.model, trained.test_examples)
    assert metrics["i_acc"] >= 0.95
    assert metrics["e_f1"] >= 0.95
    assert trained.seconds < 30


def test_role_tags_are_learned(trained: Trained) -> None:
    batch = collate(trained.test_examples)
    mask = torch.from_numpy(batch.mask)
    with torch.no_grad():
        indices, values = torch.from_numpy(batch.indices), torch.from_numpy(batch.values)
        outputs = trained.model(indices, values, mask)
        tokens = mask.clone()
        tokens[torch.arange(len(tokens)), mask.sum(1) - 1] = False
        roles = trained.model.crfs["role"].decode(outputs["role_logits"], tokens)
    gold = torch.from_numpy(batch.tags["role"])
    real = tokens & (gold > 0)
    # Roles depend on the marker word before the city (chance: 0.5).
    assert float((roles[real] == gold[real]).float().mean()) >= 0.8


def _predictions(model: DIETModel, batch: dict[str, torch.Tensor]) -> list[torch.Tensor]:
    with torch.no_grad():
        return list(model(**batch).values())


def test_same_seed_gives_identical_predictions() -> None:
    messages = make_dataset(60, seed=5)
    tag_schemes = schemes(messages)
    data = examples(messages, tag_schemes)
    config = DIETConfig(**{**SMALL, "epochs": 3, "drop_rate": 0.3})
    first = train(config, dims(tag_schemes), data, show_progress=False)
    second = train(config, dims(tag_schemes), data, show_progress=False)
    other = train(config.model_copy(update={"random_seed": 2}), dims(tag_schemes), data, False)
    batch = collate(data[:20])
    inputs = {"indices": batch.indices, "values": batch.values, "mask": batch.mask}
    tensors = {name: torch.from_numpy(array) for name, array in inputs.items()}
    for a, b in zip(_predictions(first, tensors), _predictions(second, tensors), strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(_predictions(first, tensors)[0], _predictions(other, tensors)[0])


def test_trained_weights_are_the_mean_over_the_averaged_epochs() -> None:
    messages = make_dataset(60, seed=8)
    tag_schemes = schemes(messages)
    data = examples(messages, tag_schemes)
    # A constant batch size: the first two epochs of a three-epoch run are a two-epoch run.
    config = DIETConfig(**{**SMALL, "batch_size": 16, "weight_averaging_fraction": 0})
    ends = [
        train(config.model_copy(update={"epochs": epochs}), dims(tag_schemes), data, False)
        for epochs in (2, 3)
    ]
    averaged_config = config.model_copy(update={"epochs": 3, "weight_averaging_fraction": 0.6})
    assert [averaged_config.averages_epoch(epoch) for epoch in range(3)] == [False, True, True]
    averaged = train(averaged_config, dims(tag_schemes), data, False)
    pairs = zip(ends[0].parameters(), ends[1].parameters(), strict=True)
    for weight, (second, third) in zip(averaged.parameters(), pairs, strict=True):
        torch.testing.assert_close(weight, (second + third) / 2)
    assert not torch.equal(next(averaged.parameters()), next(ends[1].parameters()))


def test_weight_averaging_is_off_when_it_covers_one_epoch_or_none() -> None:
    for fraction, epochs in ((0.2, 5), (0.0, 100), (0.2, 7)):
        config = DIETConfig(epochs=epochs, weight_averaging_fraction=fraction)
        assert not any(config.averages_epoch(epoch) for epoch in range(epochs))
    config = DIETConfig(epochs=100)
    assert [e for e in range(100) if config.averages_epoch(e)] == list(range(80, 100))


def test_held_out_evaluation_and_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    messages = make_dataset(80, seed=6)
    tag_schemes = schemes(messages)
    config = DIETConfig(
        **{
            **SMALL,
            "epochs": 4,
            "evaluate_on_number_of_examples": 20,
            "evaluate_every_number_of_epochs": 2,
            "checkpoint_model": True,
            "batch_strategy": "sequence",
            "connection_density": 0.2,
            "hidden_layers_sizes": {"text": [24], "label": [8]},
        }
    )
    model = train(config, dims(tag_schemes), examples(messages, tag_schemes), show_progress=True)
    assert not model.training
    sparse_layers = [m for m in model.modules() if isinstance(m, RandomlyConnectedLinear)]
    assert len(sparse_layers) == 5  # text FFN, projection, 2 in the layer, label FFN
    for layer in sparse_layers:
        assert float(layer.mask.mean()) < 0.5
        assert torch.all(layer.weight[layer.mask == 0] == 0)
    assert "val_i_acc" in capsys.readouterr().out


def test_balanced_order_mixes_intents_in_every_batch() -> None:
    data = examples(make_dataset(40, seed=7), schemes(make_dataset(40, seed=7)))
    order = epoch_order(data, "balanced", 8, np.random.default_rng(0))
    assert set(order) == set(range(40))
    for start in range(0, len(order) - 8, 8):
        assert len({data[i].intent_id for i in order[start : start + 8]}) >= 3


def test_balanced_order_oversamples_a_small_label_through_the_epoch() -> None:
    labels = [0] * 90 + [1] * 10
    order = balanced_order(labels, 10, np.random.default_rng(0))
    assert set(order) == set(range(100))
    small = [position for position, i in enumerate(order) if labels[i] == 1]
    assert len(small) > 10
    assert small[-1] > 0.7 * len(order)  # a round-robin would end it at about 0.2


def test_length_batches_cover_the_order_with_little_padding() -> None:
    rng = np.random.default_rng(0)
    lengths = [int(n) for n in rng.integers(1, 40, size=200)]
    order = [int(i) for i in rng.permutation(200)]
    batches = length_batches(order, lengths, 16, np.random.default_rng(1))
    assert sorted(i for batch in batches for i in batch) == list(range(200))
    assert all(len(batch) <= 16 for batch in batches)
    plain = [order[start : start + 16] for start in range(0, 200, 16)]
    assert _padded(batches, lengths) < 0.8 * _padded(plain, lengths)


def _padded(batches: list[list[int]], lengths: list[int]) -> int:
    return sum(max(lengths[i] for i in batch) * len(batch) for batch in batches)


def test_margin_loss_with_cosine_trains() -> None:
    messages = make_dataset(40, seed=8)
    tag_schemes = schemes(messages)
    config = DIETConfig(
        **{**SMALL, "epochs": 2, "loss_type": "margin", "scale_loss": True},
        entity_recognition=False,
        use_maximum_negative_similarity=False,
    )
    model = train(config, dims(tag_schemes), examples(messages, tag_schemes), False)
    assert model.heads == ()
    assert evaluate(model, examples(messages, tag_schemes))["i_acc"] >= 0.0


def test_one_intent_is_rejected() -> None:
    messages = make_dataset(10, seed=9)
    tag_schemes = schemes(messages)
    one = dims(tag_schemes).__class__(sparse_size=10, n_intents=1)
    with pytest.raises(ValueError, match="two intents"):
        train(DIETConfig(**SMALL), one, examples(messages, tag_schemes), False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc only")
def test_heap_limit_keeps_freed_blocks_until_the_limit_is_passed() -> None:
    heap = HeapLimit(limit=1 << 40)
    blocks = [torch.ones(2 << 20) for _ in range(40)]  # 8 MiB each, from the heap
    held = resident_bytes()
    del blocks
    heap.check()
    kept = resident_bytes()
    HeapLimit(limit=0).check()
    assert held - kept < 100 << 20
    assert kept - resident_bytes() > 200 << 20


def test_l2_gradient_only_where_the_data_gradient_is_positive() -> None:
    weight = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, -4.0]]))
    weight.grad = torch.tensor([[0.5, 0.0], [-0.5, 0.25]])
    add_l2_gradients([weight], 0.1)
    # 2λw on the positive entries only: an untouched row (zero gradient) keeps no decay.
    assert torch.allclose(weight.grad, torch.tensor([[0.5 + 0.2, 0.0], [-0.5, 0.25 - 0.8]]))


def test_l2_gradient_on_the_batchs_table_rows_matches_the_whole_table() -> None:
    weight = torch.nn.Parameter(torch.randn(6, 3))
    grad = torch.randn(6, 3)
    grad[[0, 2, 5]] = 0.0  # rows the batch did not use
    weight.grad = grad.clone()
    add_l2_gradients([weight], 0.1)
    whole = weight.grad.clone()
    weight.grad = grad.clone()
    add_l2_gradients([weight], 0.1, table=weight, rows=torch.tensor([1, 3, 4]))
    assert torch.equal(weight.grad, whole)


def test_regularised_weights_are_rasas_kernels_not_the_transformer_layers_or_the_crf() -> None:
    model = DIETModel(DIETConfig(**SMALL), dims(schemes(make_dataset(20, seed=1))))
    names = {id(p): name for name, p in model.named_parameters()}
    chosen = {names[id(p)] for p in model.regularised_weights()}
    assert "sparse.embedding.weight" in chosen
    assert "encoder.projection.weight" in chosen
    assert {"text_embed.weight", "label_embed.weight"} <= chosen
    assert "crfs.entity.transitions" not in chosen  # left free: see regularised_weights
    assert not any(name.startswith("encoder.layers.") for name in chosen)
    assert not any(name.endswith("bias") for name in chosen)
