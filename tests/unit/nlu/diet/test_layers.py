"""Training (packed rows) against inference (padded) paths of the DIET layers."""

import numpy as np
import pytest
import torch
from conftest import SMALL
from diet_synthetic import dims, examples, make_dataset, schemes

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import collate, collate_rows
from myna.nlu.diet.layers import (
    ATTENTION_GROUP,
    Dropout,
    RowLayout,
    SparseInput,
    TransformerEncoder,
    keep_mask,
)
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.trainer import to_tensors


def _mask(lengths: list[int]) -> torch.Tensor:
    return torch.arange(max(lengths)).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)


def test_row_layout_packs_and_unpacks_the_real_rows() -> None:
    mask = _mask([3, 1, 4])
    layout = RowLayout(mask)
    padded = torch.arange(12.0).view(3, 4, 1)
    rows = layout.pack(padded)
    assert rows.squeeze(1).tolist() == [0.0, 1.0, 2.0, 4.0, 8.0, 9.0, 10.0, 11.0]
    assert layout.positions.tolist() == [0, 1, 2, 0, 0, 1, 2, 3]
    assert layout.ends.tolist() == [2, 3, 7]
    assert torch.equal(layout.unpack(rows), padded * mask.unsqueeze(2))


@pytest.mark.parametrize("causal", [False, True])
def test_encoder_rows_match_the_padded_path(causal: bool) -> None:
    """Length groups, the group order and the packing change nothing (dropout off)."""
    torch.manual_seed(0)
    lengths = torch.randint(1, 15, (2 * ATTENTION_GROUP + 5,)).tolist()
    mask = _mask(lengths)
    encoder = TransformerEncoder(12, 16, 2, 4, 0.5, 0.0, 0.0, causal=causal)
    inputs = torch.randn(*mask.shape, 12)
    encoder.train()
    layout = RowLayout(mask)
    assert len(layout.group_masks) == 3
    rows = encoder.forward_rows(layout.pack(inputs), layout)
    padded_in_training = encoder(inputs, mask)
    encoder.eval()
    expected = encoder(inputs, mask)
    torch.testing.assert_close(rows, layout.pack(expected), rtol=0, atol=1e-5)
    torch.testing.assert_close(padded_in_training[mask], expected[mask], rtol=0, atol=1e-5)
    assert torch.all(padded_in_training[~mask] == 0)


def test_sparse_input_rows_match_the_padded_path() -> None:
    torch.manual_seed(1)
    layer = SparseInput(30, 8, 0.0)
    indices = torch.randint(0, 31, (4, 5, 6))
    values = torch.rand(4, 5, 6)
    layout = RowLayout(_mask([5, 2, 4, 1]))
    packed = layout.pack(indices)
    real = packed != 0
    rows = layer.forward_rows(packed[real], layout.pack(values)[real], real.sum(dim=1))
    torch.testing.assert_close(rows, layout.pack(layer(indices, values)), rtol=0, atol=1e-5)


def test_row_batch_holds_the_real_entries_of_the_padded_batch() -> None:
    data = examples(make_dataset(40, seed=12), schemes(make_dataset(40, seed=12)))
    padded, flat = collate(data), collate_rows(data)
    layout = RowLayout(torch.from_numpy(padded.mask))
    indices = layout.pack(torch.from_numpy(padded.indices))
    real = indices != 0
    assert torch.equal(torch.from_numpy(flat.feature_ids), indices[real])
    values = layout.pack(torch.from_numpy(padded.values))[real]
    assert torch.equal(torch.from_numpy(flat.feature_values), values)
    assert flat.row_sizes.tolist() == real.sum(dim=1).tolist()
    assert np.array_equal(flat.mask, padded.mask)
    for head, tags in padded.tags.items():
        assert np.array_equal(flat.tags[head], tags)
    assert np.array_equal(flat.intent_ids, padded.intent_ids)


def test_model_training_rows_match_the_inference_encoding() -> None:
    messages = make_dataset(3 * ATTENTION_GROUP, seed=11)
    tag_schemes = schemes(messages)
    torch.manual_seed(2)
    model = DIETModel(DIETConfig(**SMALL), dims(tag_schemes)).eval()
    data = examples(messages, tag_schemes)
    batch = to_tensors(collate_rows(data))
    layout = RowLayout(batch.mask)
    full = collate(data)
    with torch.no_grad():
        rows = model.encode_rows(batch, layout)
        inputs = (torch.from_numpy(full.indices), torch.from_numpy(full.values), batch.mask)
        padded = model.encode(*inputs)
    torch.testing.assert_close(rows, layout.pack(padded), rtol=0, atol=1e-5)


def test_keep_mask_keeps_one_minus_rate_and_follows_the_torch_seed() -> None:
    torch.manual_seed(3)
    first = keep_mask(torch.Size([500, 401]), 0.2)
    assert first.shape == (500, 401)
    assert float(first.float().mean()) == pytest.approx(0.8, abs=0.005)
    torch.manual_seed(3)
    assert torch.equal(keep_mask(torch.Size([500, 401]), 0.2), first)
    assert not torch.equal(keep_mask(torch.Size([500, 401]), 0.2), first)
    assert bool(keep_mask(torch.Size([7]), 0.0).all())


def test_dropout_rescales_in_training_and_is_the_identity_in_eval() -> None:
    torch.manual_seed(4)
    dropout = Dropout(0.5)
    inputs = torch.ones(200, 300)
    dropped = dropout(inputs)
    assert set(dropped.unique().tolist()) == {0.0, 2.0}
    assert float(dropped.mean()) == pytest.approx(1.0, abs=0.02)
    assert dropout.eval()(inputs) is inputs
