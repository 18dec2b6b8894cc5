"""What all tokenizers share: Rasa's tokenizer options and the ``token_pattern`` refinement."""

from __future__ import annotations

import re
from abc import abstractmethod

from pydantic import field_validator

from myna.nlu.component import Component, ComponentConfig
from myna.nlu.message import Message, Token


class TokenizerConfig(ComponentConfig):
    intent_tokenization_flag: bool = False
    intent_split_symbol: str = "_"
    token_pattern: str | None = None

    @field_validator("token_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from None
        return pattern


class Tokenizer(Component):
    """Sets ``message.tokens``; subclasses only say how raw text is split."""

    Config = TokenizerConfig
    config: TokenizerConfig
    processes_training_data = True

    @abstractmethod
    def split(self, text: str) -> list[Token]:
        """Tokens of ``text`` with exact character offsets."""

    def tokenize(self, text: str) -> list[Token]:
        tokens = self.split(text)
        if self.config.token_pattern is None:
            return tokens
        pattern = re.compile(self.config.token_pattern)
        return [piece for token in tokens for piece in _pieces(token, pattern)]

    def process(self, message: Message) -> None:
        message.tokens = self.tokenize(message.text)
        message.tokenized = True
        flagged = self.config.intent_tokenization_flag
        if flagged and message.example is not None and message.example.intent:
            message.label_tokens = self.label_tokens(message.example.intent)

    def label_tokens(self, intent: str) -> dict[str, list[str]]:
        """The label tokens of an example's labels: its intent and, for a retrieval intent
        such as ``faq/ask_name`` (split at ``/`` first, as Rasa does), its base ``faq``."""
        base, _, key = intent.partition("/")
        base_tokens = [token.text for token in self.intent_tokens(base)]
        if not key:
            return {intent: base_tokens}
        key_tokens = [token.text for token in self.intent_tokens(key)]
        return {base: base_tokens, intent: base_tokens + key_tokens}

    def intent_tokens(self, intent: str) -> list[Token]:
        """An intent name as label tokens: split on ``intent_split_symbol`` when flagged."""
        if not self.config.intent_tokenization_flag:
            return [Token(intent, 0, len(intent))]
        tokens: list[Token] = []
        start = 0
        for part in intent.split(self.config.intent_split_symbol):
            if part:
                tokens.append(Token(part, start, start + len(part)))
            start += len(part) + len(self.config.intent_split_symbol)
        return tokens or [Token(intent, 0, len(intent))]


def _pieces(token: Token, pattern: re.Pattern[str]) -> list[Token]:
    """Split one token further into the non-empty matches of ``token_pattern``."""
    pieces = [
        Token(match.group(), token.start + match.start(), token.start + match.end())
        for match in pattern.finditer(token.text)
        if match.group()
    ]
    return pieces or [token]
