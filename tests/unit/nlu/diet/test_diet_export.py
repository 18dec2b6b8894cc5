"""ONNX export and the onnxruntime runtime: parity with torch, quantisation, no torch."""

import dataclasses
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import SMALL, Trained
from diet_synthetic import INTENTS, dims, examples, make_dataset, schemes

pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import MAX_TOKENS, collate
from myna.nlu.diet.export import export_diet
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.quantization import quantize_exported
from myna.nlu.diet.runtime import DIETRuntime, _into_sentence_rows


@pytest.fixture(scope="module")
def exported(trained: Trained, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("diet")
    export_diet(trained.model, directory, trained.intents, trained.schemes, quantize_int8=True)
    return directory


@pytest.mark.parametrize(("size", "seed"), [(1, 0), (2, 1), (5, 2), (16, 3), (40, 4)])
def test_onnx_matches_torch(trained: Trained, exported: Path, size: int, seed: int) -> None:
    runtime = DIETRuntime.load(exported, quantized=False)
    messages = make_dataset(size, seed=100 + seed)
    batch = collate(examples(messages, trained.schemes))
    outputs = runtime.run(batch.indices, batch.values, batch.mask)
    tensors = [torch.from_numpy(a) for a in (batch.indices, batch.values, batch.mask)]
    with torch.no_grad():
        expected = trained.model(*tensors)
    np.testing.assert_allclose(
        outputs["intent_scores"], expected["intent_scores"].numpy(), rtol=0, atol=1e-4
    )
    prediction = runtime.predict(batch.indices, batch.values, batch.mask)
    tokens = batch.mask.copy()
    tokens[np.arange(size), batch.mask.sum(axis=1) - 1] = False
    for head in ("entity", "role"):
        np.testing.assert_allclose(outputs[f"{head}_logits"], expected[f"{head}_logits"], atol=1e-4)
        torch_tags = trained.model.crfs[head].decode(
            expected[f"{head}_logits"], torch.from_numpy(tokens)
        )
        for row, n_tokens in enumerate(tokens.sum(axis=1)):
            assert prediction.tags[head][row].tolist() == torch_tags[row, :n_tokens].tolist()


def test_graph_takes_max_tokens_and_refuses_more_with_a_clear_error(
    trained: Trained, exported: Path
) -> None:
    """The graph looks position encodings up in a table of MAX_TOKENS + 1 rows: the longest
    example serving gives it (MAX_TOKENS tokens and the sentence row) runs as in torch."""
    runtime = DIETRuntime.load(exported, quantized=False)
    rows = MAX_TOKENS + 1
    generator = np.random.default_rng(5)
    indices = generator.integers(1, trained.model.dims.sparse_size + 1, (1, rows, 3))
    values = generator.random((1, rows, 3), dtype=np.float32)
    mask = np.ones((1, rows), dtype=bool)
    outputs = runtime.run(indices, values, mask)
    with torch.no_grad():
        expected = trained.model(*(torch.from_numpy(a) for a in (indices, values, mask)))
    np.testing.assert_allclose(outputs["entity_logits"], expected["entity_logits"], atol=1e-4)
    too_long = np.ones((1, rows + 1), dtype=bool)
    with pytest.raises(ValueError, match=f"at most {MAX_TOKENS} tokens"):
        runtime.run(np.ones((1, rows + 1, 3), np.int64), np.ones((1, rows + 1, 3)), too_long)


def test_export_leaves_the_exporters_routine_messages_out(
    trained: Trained, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A training run's output carries no exporter chatter: no skipped torchvision
    operators, no merged axis names (`myna.nlu.onnx_export`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export_diet(trained.model, tmp_path, trained.intents, trained.schemes, quantize_int8=False)
    assert "torchvision" not in capfd.readouterr().err
    messages = [str(warning.message) for warning in caught]
    assert not [m for m in messages if "axis name" in m or "LeafSpec" in m], messages
    assert (tmp_path / "model.onnx").stat().st_size > 0


def test_quantizing_leaves_the_quantisers_preprocessing_advice_out(
    trained: Trained, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """onnxruntime's quantiser advises pre-processing on the root logger at every call;
    that line is dropped, and only while quantising."""
    export_diet(trained.model, tmp_path, trained.intents, trained.schemes, quantize_int8=False)
    root_filters = list(logging.getLogger().filters)
    with caplog.at_level(logging.WARNING):
        quantize_exported(tmp_path)
        logging.warning("Please consider to run pre-processing before quantization, later")
    advice = [r.getMessage() for r in caplog.records if "pre-processing" in r.getMessage()]
    assert advice == ["Please consider to run pre-processing before quantization, later"]
    assert logging.getLogger().filters == root_filters
    assert DIETRuntime.load(tmp_path).metadata.quantized


def test_sentence_rows_apart_give_the_same_outputs(trained: Trained, exported: Path) -> None:
    """Serving passes the sentence rows' features apart; the graph puts them back."""
    runtime = DIETRuntime.load(exported, quantized=False)
    batch = collate(examples(make_dataset(8, seed=7), trained.schemes))
    rows = (np.arange(8), batch.mask.sum(axis=1) - 1)
    sentence = (batch.indices[rows], batch.values[rows])
    indices, values = batch.indices.copy(), batch.values.copy()
    indices[rows], values[rows] = 0, 0.0
    apart = runtime.run(indices, values, batch.mask, sentence=sentence)
    together = runtime.run(batch.indices, batch.values, batch.mask)
    for name, output in together.items():
        np.testing.assert_allclose(apart[name], output, rtol=0, atol=1e-5)
    # Graphs exported without the sentence inputs get them written back into the rows.
    restored = _into_sentence_rows(indices, values, batch.mask, sentence)
    np.testing.assert_array_equal(restored[0], batch.indices)
    np.testing.assert_array_equal(restored[1], batch.values)


def test_runtime_decodes_rasa_shapes(trained: Trained, exported: Path) -> None:
    runtime = DIETRuntime.load(exported, quantized=False)
    messages = [m for m in trained.test_messages if m.entities][:20]
    batch = collate(examples(messages, trained.schemes))
    prediction = runtime.predict(batch.indices, batch.values, batch.mask)
    correct = 0
    for row, message in enumerate(messages):
        ranking = runtime.intent_ranking(prediction, row)
        assert len(ranking) == len(trained.intents)
        assert ranking[0]["confidence"] >= ranking[-1]["confidence"]
        entities = runtime.entities(prediction, row, message.text, message.tokens)
        found = [(e["start"], e["end"], e["entity"], e["value"]) for e in entities]
        gold = [(e["start"], e["end"], e["entity"], e["value"]) for e in message.entities]
        correct += found == gold
        assert all(0 < e["confidence_entity"] <= 1 for e in entities)
    assert correct >= 0.9 * len(messages)


def test_quantized_model_agrees_on_most_argmaxes(trained: Trained, exported: Path) -> None:
    full = DIETRuntime.load(exported, quantized=False)
    int8 = DIETRuntime.load(exported)
    assert (exported / "model.int8.onnx").exists()
    batch = collate(examples(make_dataset(200, seed=42), trained.schemes))
    a = full.run(batch.indices, batch.values, batch.mask)
    b = int8.run(batch.indices, batch.values, batch.mask)
    intents = np.mean(a["intent_scores"].argmax(1) == b["intent_scores"].argmax(1))
    real = batch.mask
    tags = np.mean(a["entity_logits"].argmax(2)[real] == b["entity_logits"].argmax(2)[real])
    assert intents >= 0.95
    assert tags >= 0.95


def test_a_model_exported_in_fp32_can_be_quantized_afterwards(
    trained: Trained, exported: Path, tmp_path: Path
) -> None:
    """`quantize_exported` gives the int8 graph that `quantize: true` gives at export."""
    export_diet(trained.model, tmp_path, trained.intents, trained.schemes, quantize_int8=False)
    with pytest.raises(ValueError, match="no quantized model"):
        DIETRuntime.load(tmp_path, quantized=True)
    quantize_exported(tmp_path)
    later, at_export = DIETRuntime.load(tmp_path), DIETRuntime.load(exported)
    assert later.metadata.quantized and later.metadata.config.quantize
    batch = collate(examples(make_dataset(50, seed=7), trained.schemes))
    expected = at_export.run(batch.indices, batch.values, batch.mask)
    for name, value in later.run(batch.indices, batch.values, batch.mask).items():
        np.testing.assert_array_equal(value, expected[name])


def test_runtime_imports_no_torch(exported: Path) -> None:
    code = (
        "import sys; from myna.nlu.diet.runtime import DIETRuntime; "
        f"DIETRuntime.load({str(exported)!r}); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_labels_with_bags_of_words_export_with_their_scores(tmp_path: Path) -> None:
    """Label features other than one-hot (`DIETDims.label_bags`) are part of the graph."""
    messages = make_dataset(12, seed=11)
    tag_schemes = schemes(messages)
    bags = ((0,), (1,), (0, 1), (2,))  # the third intent is the first two's words
    model_dims = dataclasses.replace(dims(tag_schemes), label_bags=bags)
    model = DIETModel(DIETConfig(**SMALL), model_dims).eval()
    assert model.label_input.in_features == 3
    export_diet(model, tmp_path, list(INTENTS), tag_schemes)
    batch = collate(examples(messages, tag_schemes))
    outputs = DIETRuntime.load(tmp_path).run(batch.indices, batch.values, batch.mask)
    tensors = [torch.from_numpy(a) for a in (batch.indices, batch.values, batch.mask)]
    with torch.no_grad():
        expected = model(*tensors)["intent_scores"].numpy()
    np.testing.assert_allclose(outputs["intent_scores"], expected, rtol=0, atol=1e-5)
