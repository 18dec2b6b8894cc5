"""JiebaTokenizer: Chinese word segmentation with jieba, optionally with user dictionaries.

jieba is imported with this module, which the registry loads only for pipelines that
name ``JiebaTokenizer``. Each instance has its own ``jieba.Tokenizer``, so user
dictionaries never leak into another pipeline. The dictionary files are copied into
the persisted model, which therefore does not depend on ``dictionary_path`` afterwards.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

import jieba

from myna.nlu.component import ComponentConfig
from myna.nlu.message import Message, Token
from myna.nlu.tokenizers.base import Tokenizer, TokenizerConfig

_DICTIONARY_FOLDER = "dictionaries"

if TYPE_CHECKING:
    from myna.project.nlu import NLUData


class JiebaTokenizerConfig(TokenizerConfig):
    dictionary_path: str | None = None


class JiebaTokenizer(Tokenizer):
    Config = JiebaTokenizerConfig
    config: JiebaTokenizerConfig

    def __init__(self, config: ComponentConfig, dictionaries: Sequence[Path] = ()) -> None:
        super().__init__(config)
        self.dictionaries = list(dictionaries)
        self._jieba = jieba.Tokenizer()
        for path in self.dictionaries:
            self._jieba.load_userdict(str(path))

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        if self.config.dictionary_path is None:
            return
        folder = Path(self.config.dictionary_path)
        paths = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else [folder]
        for path in paths:
            self._jieba.load_userdict(str(path))
        self.dictionaries = paths

    def split(self, text: str) -> list[Token]:
        return [
            Token(word, start, end)
            for word, start, end in self._jieba.tokenize(text)
            if word.strip()
        ]

    def persist(self, directory: Path) -> None:
        if not self.dictionaries:
            return
        target = directory / _DICTIONARY_FOLDER
        target.mkdir()
        for index, path in enumerate(self.dictionaries):
            shutil.copyfile(path, target / f"{index:03d}_{path.name}")

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        folder = directory / _DICTIONARY_FOLDER
        paths = sorted(folder.iterdir()) if folder.is_dir() else []
        return cls(config, paths)
