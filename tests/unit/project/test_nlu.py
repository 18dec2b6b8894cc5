"""NLU sections: examples with exact positions, metadata, synonyms, regexes, lookups."""

from __future__ import annotations

from pathlib import Path

from myna.project.annotations import EntityAnnotation
from myna.project.errors import Problem, Severity, Source
from myna.project.nlu import LookupTable, NLUData, NLUExample, RegexPattern, Synonym, load_nlu

NLU = """\
version: "3.1"
nlu:
- intent: check_balance
  metadata: {sentiment: neutral}
  examples: |
    - how much is in my [savings](account) account
    - what's my [credit card]{"entity": "account", "value": "credit"} balance

    # a comment line inside the block is skipped
    -   I want [NYC](city:New York City)
- intent: greet
  examples:
  - text: "hi [Ann](name)"
    metadata: {lang: en}
  - hello
- intent: faq/ask_name
  examples: |-
      - what's your name
- synonym: credit
  examples: |
    - credit card
    - Credit Account
- regex: account_number
  examples: |
    - \\d{10,12}
- lookup: city
  examples: |
    - Berlin
    - Rome
"""


def _load(tmp_path: Path, text: str) -> tuple[NLUData, list[Problem], str]:
    path = tmp_path / "nlu.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_nlu([path], problems), problems, str(path)


def test_examples_texts_entities_and_exact_positions(tmp_path: Path) -> None:
    data, problems, file = _load(tmp_path, NLU)
    assert problems == []
    balance = [e for e in data.examples if e.intent == "check_balance"]
    assert [e.text for e in balance] == [
        "how much is in my savings account",
        "what's my credit card balance",
        "I want NYC",
    ]
    assert [(e.source.line, e.source.column) for e in balance] == [(6, 7), (7, 7), (10, 9)]
    assert balance[1].entities == (
        EntityAnnotation("account", 10, 21, "credit", text="credit card"),
    )
    assert balance[2].entities[0].value == "New York City"
    assert all(e.metadata == {"sentiment": "neutral"} for e in balance)
    faq = next(e for e in data.examples if e.intent == "faq/ask_name")
    assert faq.source == Source(file, 18, 9)


def test_list_examples_carry_their_own_metadata_and_positions(tmp_path: Path) -> None:
    data, _, file = _load(tmp_path, NLU)
    greet = [e for e in data.examples if e.intent == "greet"]
    assert greet == [
        NLUExample(
            "hi Ann",
            "greet",
            (EntityAnnotation("name", 3, 6, "Ann", text="Ann"),),
            {"lang": "en"},
            Source(file, 13, 12),
        ),
        NLUExample("hello", "greet", (), None, Source(file, 15, 5)),
    ]


def test_intent_and_example_metadata_are_merged(tmp_path: Path) -> None:
    text = """\
nlu:
- intent: greet
  metadata: {a: 1, b: 1}
  examples:
  - text: hi
    metadata: {b: 2}
"""
    data, problems, _ = _load(tmp_path, text)
    assert problems == []
    assert data.examples[0].metadata == {"a": 1, "b": 2}


def test_retrieval_intents_and_response_keys(tmp_path: Path) -> None:
    data, _, _ = _load(tmp_path, NLU)
    faq = next(e for e in data.examples if e.intent == "faq/ask_name")
    assert (faq.retrieval_intent, faq.response_key) == ("faq", "ask_name")
    greet = next(e for e in data.examples if e.intent == "greet")
    assert (greet.retrieval_intent, greet.response_key) == (None, None)
    assert data.retrieval_intents == ("faq",)


def test_derived_sets(tmp_path: Path) -> None:
    data, _, _ = _load(tmp_path, NLU)
    assert data.intents == ("check_balance", "faq/ask_name", "greet")
    assert data.entity_types == ("account", "city", "name")


def test_synonyms_regexes_and_lookups(tmp_path: Path) -> None:
    data, _, file = _load(tmp_path, NLU)
    assert data.synonyms == (
        Synonym("credit", ("credit card", "Credit Account"), Source(file, 19, 3)),
    )
    assert data.regexes == (RegexPattern("account_number", r"\d{10,12}", Source(file, 25, 7)),)
    assert data.lookups == (LookupTable("city", ("Berlin", "Rome"), Source(file, 26, 3)),)


def test_entity_synonyms_from_blocks_and_annotations(tmp_path: Path) -> None:
    data, _, _ = _load(tmp_path, NLU)
    assert data.entity_synonyms() == {
        "nyc": "New York City",
        "credit card": "credit",
        "credit account": "credit",
    }


def test_merge_and_combine_keep_order(tmp_path: Path) -> None:
    data, _, _ = _load(tmp_path, NLU)
    other = NLUData(examples=(NLUExample("yo", "hey", (), None, Source("x.yml", 1, 1)),))
    merged = data.merge(other)
    assert merged.examples[-1].text == "yo"
    assert merged.intents == ("check_balance", "faq/ask_name", "greet", "hey")
    assert NLUData.combine([data, other]) == merged
    assert NLUData.combine([]) == NLUData()


def test_annotation_errors_point_at_the_bracket_and_skip_only_that_example(
    tmp_path: Path,
) -> None:
    text = """\
nlu:
- intent: inform
  examples: |
    - fine [here](city)
      - from [Berlin]{"entity": city}
    - to [Rome]{"value": "x"}
- intent: x
  examples:
  - text: 'a [b]{"role": "r"}'
"""
    data, problems, file = _load(tmp_path, text)
    assert [e.text for e in data.examples] == ["fine here"]
    assert [(p.source, p.severity) for p in problems] == [
        (Source(file, 5, 14), Severity.ERROR),
        (Source(file, 6, 10), Severity.ERROR),
        (Source(file, 9, 14), Severity.ERROR),
    ]
    assert "invalid JSON" in problems[0].message
    assert "'entity'" in problems[1].message


def test_item_format_problems(tmp_path: Path) -> None:
    text = """\
nlu:
- intent: greet
  exmples: |
    - hi
- intnt: x
- just a string
- intent: ""
  examples: "- a"
- regex: bad
  examples: |
    - ok
    - (unclosed
- synonym: s
  examples: 42
- lookup: nothing
- intent: meta
  metadata: [1]
  examples: |
    - hi
    not a dash line
    -
"""
    data, problems, _ = _load(tmp_path, text)
    assert [(p.source.line, p.severity) for p in problems] == [
        (3, Severity.ERROR),  # unknown key 'exmples'
        (2, Severity.WARNING),  # intent 'greet' has no examples
        (5, Severity.ERROR),  # no intent/synonym/regex/lookup key
        (6, Severity.ERROR),  # not a mapping
        (7, Severity.ERROR),  # empty intent name
        (12, Severity.ERROR),  # invalid regex
        (14, Severity.ERROR),  # examples not a string or list
        (15, Severity.WARNING),  # lookup without examples
        (17, Severity.ERROR),  # metadata not a mapping
        (20, Severity.WARNING),  # line without "- "
        (21, Severity.WARNING),  # empty example
    ]
    assert "unknown key 'exmples'" in problems[0].message
    assert "invalid regular expression" in problems[5].message
    assert [r.pattern for r in data.regexes] == ["ok"]
    assert [e.text for e in data.examples] == ["hi"]
    assert data.synonyms == (Synonym("s", (), Source(problems[6].source.file, 13, 3)),)


def test_a_file_without_nlu_gives_empty_data(tmp_path: Path) -> None:
    data, problems, _ = _load(tmp_path, "stories: []\n")
    assert (data, problems) == (NLUData(), [])
