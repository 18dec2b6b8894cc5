"""JiebaTokenizer: offsets, user dictionaries, persistence (skipped without jieba)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("jieba", reason="jieba is not installed (needed for JiebaTokenizer)")

from nlu_helpers import build, data

from myna.nlu.tokenizers.jieba import JiebaTokenizer

TEXT = "我想去云计算公司 ok"


def test_offsets_are_exact_and_spaces_dropped() -> None:
    tokens = build(JiebaTokenizer).tokenize(TEXT)
    assert tokens and all(TEXT[t.start : t.end] == t.text for t in tokens)
    assert all(t.text.strip() for t in tokens)
    assert tokens[-1].text == "ok"


def test_user_dictionary_is_used_and_persisted(tmp_path: Path) -> None:
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "words.txt").write_text("云计算公司 100 n\n", encoding="utf-8")
    tokenizer = build(JiebaTokenizer, dictionary_path=str(folder))
    tokenizer.train([], data())
    assert "云计算公司" in [t.text for t in tokenizer.tokenize(TEXT)]
    model = tmp_path / "model"
    model.mkdir()
    tokenizer.persist(model)
    (folder / "words.txt").unlink()
    loaded = JiebaTokenizer.load(model, tokenizer.config)
    assert "云计算公司" in [t.text for t in loaded.tokenize(TEXT)]
