"""A batch's table rows looked up on their own give the whole table's gradient."""

import numpy as np
import torch
from conftest import SMALL
from diet_synthetic import dims, examples, make_dataset, schemes

from myna.nlu.diet.batch_rows import BatchRows
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import collate_rows
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.trainer import to_tensors


def test_rows_are_the_batchs_feature_ids_sorted_without_padding() -> None:
    table = torch.nn.Parameter(torch.randn(9, 2))
    lookup = BatchRows(table, [np.array([[3, 1, 0], [2, 0, 0]]), np.array([[7, 3]])])
    assert lookup.rows.tolist() == [1, 2, 3, 7]
    assert lookup.local_ids(np.array([7, 1, 3, 3])).tolist() == [3, 0, 2, 2]
    assert torch.equal(lookup.weights, table.detach()[[1, 2, 3, 7]])


def test_the_table_gradient_equals_autograd_through_the_whole_table() -> None:
    messages = make_dataset(30, seed=21)
    tag_schemes = schemes(messages)
    data = examples(messages, tag_schemes)
    config = DIETConfig(**{**SMALL, "drop_rate": 0.0, "number_of_negative_examples": 10})
    torch.manual_seed(5)
    model = DIETModel(config, dims(tag_schemes)).train()
    table = model.sparse.embedding.weight
    part = data[:12]

    torch.manual_seed(6)
    model.loss(to_tensors(collate_rows(part))).loss.backward()
    through_table = table.grad.clone()
    other_grads = [p.grad.clone() for p in model.parameters() if p is not table]
    model.zero_grad()

    lookup = BatchRows(table, [example.indices for example in data[:20]])  # a wider batch
    torch.manual_seed(6)
    model.loss(to_tensors(collate_rows(part), lookup)).loss.backward()
    lookup.write_gradient(lookup.gradient())
    assert table.grad is not None
    assert int((through_table != 0).any(dim=1).sum()) > 10
    torch.testing.assert_close(table.grad, through_table, rtol=0, atol=1e-6)
    others = [p.grad for p in model.parameters() if p is not table]
    for mine, expected in zip(others, other_grads, strict=True):
        torch.testing.assert_close(mine, expected, rtol=0, atol=1e-6)
    lookup.clear_gradient()
    assert not table.grad.any()
