"""A tiny synthetic NLU data set for DIET tests.

Intent = the key word (`w0`..`w3`) in the message. Entities follow marker words: `w4` →
`city` with role `from`, `w6` → `city` with role `to` (one or two city words `w10`..`w19`),
`w5` → `person` (one word `w20`..`w29`). Other words are fillers `w30`..`w59`. Each token's
sparse features are its word id and a bucket of it; the sentence row is the bag of words.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from myna.nlu.diet.bilou import TagScheme, encode_entities, schemes_from_entities
from myna.nlu.diet.data import DIETDims, DIETExample

VOCAB = 60
BUCKETS = 8
SPARSE_SIZE = VOCAB + BUCKETS
INTENTS = ["greet", "book", "cancel", "ask"]


@dataclass
class Message:
    text: str
    tokens: list[tuple[int, int]]
    words: list[int]
    intent: int
    entities: list[dict[str, Any]]


def _entity_words(rng: np.random.Generator) -> tuple[list[int], dict[str, Any]]:
    marker = int(rng.choice([4, 5, 6]))
    if marker == 5:
        return [5, int(rng.integers(20, 30))], {"entity": "person"}
    count = int(rng.integers(1, 3))
    words = [marker, *(int(w) for w in rng.integers(10, 20, size=count))]
    return words, {"entity": "city", "role": "from" if marker == 4 else "to"}


def make_message(rng: np.random.Generator) -> Message:
    intent = int(rng.integers(0, len(INTENTS)))
    chunks: list[tuple[list[int], dict[str, Any] | None]] = [([intent], None)]
    chunks += [([int(rng.integers(30, VOCAB))], None) for _ in range(rng.integers(1, 4))]
    chunks += [_entity_words(rng) for _ in range(rng.integers(0, 3))]
    order = rng.permutation(len(chunks))
    words: list[int] = []
    tokens: list[tuple[int, int]] = []
    entities: list[dict[str, Any]] = []
    text = ""
    for index in order:
        chunk, entity = chunks[index]
        for position, word in enumerate(chunk):
            start = len(text) + (1 if text else 0)
            text = f"{text} w{word}" if text else f"w{word}"
            tokens.append((start, len(text)))
            words.append(word)
            if entity is not None and position == 1:
                entities.append({**entity, "start": start})
            if entity is not None and position == len(chunk) - 1:
                entities[-1]["end"] = len(text)
    for entity in entities:
        entity["value"] = text[entity["start"] : entity["end"]]
    return Message(text, tokens, words, intent, entities)


def features(words: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Index layout (ids shifted by +1) with the sentence row last."""
    rows = [[w + 1, VOCAB + w % BUCKETS + 1] for w in words]
    bag = sorted(set(words))
    width = max(2, len(bag))
    indices = np.zeros((len(words) + 1, width), dtype=np.int64)
    values = np.zeros((len(words) + 1, width), dtype=np.float32)
    indices[: len(words), :2] = rows
    values[: len(words), :2] = 1.0
    indices[-1, : len(bag)] = [w + 1 for w in bag]
    values[-1, : len(bag)] = [words.count(w) for w in bag]
    return indices, values


def make_dataset(count: int, seed: int) -> list[Message]:
    rng = np.random.default_rng(seed)
    return [make_message(rng) for _ in range(count)]


def schemes(messages: list[Message]) -> dict[str, TagScheme]:
    return schemes_from_entities([m.entities for m in messages], bilou=True)


def examples(messages: list[Message], tag_schemes: dict[str, TagScheme]) -> list[DIETExample]:
    result = []
    for message in messages:
        indices, values = features(message.words)
        tags = encode_entities(message.tokens, message.entities, tag_schemes)
        result.append(
            DIETExample(
                indices=indices,
                values=values,
                intent_id=message.intent,
                tags={head: np.array(ids, dtype=np.int64) for head, ids in tags.items()},
            )
        )
    return result


def dims(tag_schemes: dict[str, TagScheme]) -> DIETDims:
    return DIETDims(
        sparse_size=SPARSE_SIZE,
        n_intents=len(INTENTS),
        n_entity_tags=len(tag_schemes["entity"]),
        n_role_tags=len(tag_schemes["role"]),
    )
