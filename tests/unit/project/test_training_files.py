"""Finding data files, reading each once, the version rule and mixed sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_paths import shared_dir

from myna.project.errors import Problem, Severity, Source
from myna.project.files import TrainingData, find_data_files, load_training_data

GOLDEN_DATA = shared_dir() / "golden" / "bot" / "data"

MIXED = """\
version: "3.1"
nlu:
- intent: faq/ask_name
  examples: |
    - what's your name
responses:
  utter_faq/ask_name:
  - text: "I'm a bot."
  utter_broken: "not a list"
stories:
- story: s
  steps:
  - intent: faq
  - action: utter_faq
rules:
- rule: r
  steps:
  - intent: faq
  - action: utter_faq
intents: [faq]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(*paths: Path) -> tuple[TrainingData, list[Problem]]:
    problems: list[Problem] = []
    return load_training_data(list(paths), problems), problems


def test_discovery_is_recursive_sorted_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    for name in ("b.yml", "a/z.yaml", "a/y.YML", ".hidden.yml", ".git/x.yml", "notes.md"):
        _write(tmp_path, name, "nlu: []\n")
    explicit = _write(tmp_path / "elsewhere", "data.txt", "nlu: []\n")
    found = find_data_files([tmp_path / "a", tmp_path, explicit, tmp_path / "missing"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/y.YML",
        "a/z.yaml",
        "b.yml",
        "elsewhere/data.txt",
    ]


def test_each_file_is_read_once_and_dispatched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "data.yml", MIXED)
    reads: list[Path] = []
    original = Path.read_text

    def counting_read_text(self: Path, *args: object, **kwargs: object) -> str:
        reads.append(self)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", counting_read_text)
    data, problems = _load(tmp_path)
    assert reads == [path]
    assert data.nlu.retrieval_intents == ("faq",)
    assert [s.name for s in data.stories.stories] == ["s"]
    assert [r.name for r in data.stories.rules] == ["r"]
    assert list(data.responses) == ["utter_faq/ask_name"]
    assert data.responses["utter_faq/ask_name"] == [{"text": "I'm a bot."}]
    assert data.responses.key_source("utter_faq/ask_name") == Source(str(path), 7, 3)
    assert data.responses["utter_faq/ask_name"][0].value_source("text") == Source(str(path), 8, 11)
    assert [(p.source.line, p.severity, p.message.split(" (")[0]) for p in problems] == [
        (20, Severity.WARNING, "unknown top-level key 'intents' ignored"),
        (
            9,
            Severity.ERROR,
            "response 'utter_broken' must be a non-empty list of variations like '- text: ...'",
        ),
    ]


def test_later_response_definitions_win_with_a_warning(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", "responses:\n  utter_x:\n  - text: first\n")
    second = _write(tmp_path, "b.yml", "responses:\n  utter_x:\n  - text: second\n")
    data, problems = _load(tmp_path)
    assert data.responses["utter_x"][0]["text"] == "second"
    assert data.responses.key_source("utter_x") == Source(str(second), 2, 3)
    assert [(p.source, p.severity) for p in problems] == [
        (Source(str(second), 2, 3), Severity.WARNING)
    ]
    assert "a.yml:2:3" in problems[0].message


@pytest.mark.parametrize(
    ("version", "loaded", "severity", "message"),
    [
        (None, True, None, None),
        ('"3.1"', True, None, None),
        ('"3.1.0"', True, None, None),
        ('"2.0"', True, Severity.WARNING, "older than 3.1"),
        ('"3.2"', False, Severity.WARNING, "newer than the supported 3.1"),
        ("3.1", False, Severity.ERROR, 'must be a string like "3.1"'),
        ('"three"', False, Severity.ERROR, 'must be a string like "3.1"'),
    ],
)
def test_version_rule(
    tmp_path: Path, version: str | None, loaded: bool, severity: Severity | None, message: str
) -> None:
    header = f"version: {version}\n" if version else ""
    path = _write(tmp_path, "nlu.yml", header + "nlu:\n- intent: hi\n  examples: '- hi'\n")
    data, problems = _load(path)
    assert len(data.nlu.examples) == (1 if loaded else 0)
    if severity is None:
        assert problems == []
    else:
        assert [(p.source, p.severity) for p in problems] == [(Source(str(path), 1, 10), severity)]
        assert message in problems[0].message


def test_broken_files_are_skipped_with_one_problem_each(tmp_path: Path) -> None:
    broken = _write(tmp_path, "a.yml", "nlu:\n- intent: x\n  examples: [unclosed\n")
    scalar = _write(tmp_path, "b.yml", "just text\n")
    _write(tmp_path, "c.yml", "")
    _write(tmp_path, "d.yml", "nlu:\n- intent: ok\n  examples: |\n    - fine\n")
    data, problems = _load(tmp_path)
    assert [e.text for e in data.nlu.examples] == ["fine"]
    assert [p.source.file for p in problems] == [str(broken), str(scalar)]
    assert problems[0].message.startswith("invalid YAML")
    assert problems[1].source == Source(str(scalar), 1, 1)


def test_sections_with_the_wrong_type(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.yml", "nlu: {a: 1}\nresponses: [1]\n")
    data, problems = _load(path)
    assert data == TrainingData(data.nlu, data.stories, data.responses)
    assert [(p.source.line, p.message) for p in problems] == [
        (1, "'nlu' must be a list"),
        (2, "'responses' must be a mapping"),
    ]


def test_golden_bot_data() -> None:
    data, problems = _load(GOLDEN_DATA)
    assert problems == []
    nlu = data.nlu
    assert len(nlu.examples) == 40
    assert nlu.intents == ("affirm", "book_table", "deny", "goodbye", "greet", "inform")
    assert nlu.entity_types == ("cuisine", "party_size")
    assert sum(len(e.entities) for e in nlu.examples) == 14
    assert nlu.entity_synonyms() == {"two": "2"}
    two = next(e for e in nlu.examples if e.text == "for two")
    assert (two.intent, two.source) == ("inform", Source(str(GOLDEN_DATA / "nlu.yml"), 46, 7))
    assert [(x.entity, x.start, x.end, x.value) for x in two.entities] == [
        ("party_size", 4, 7, "2")
    ]
    assert len(data.stories.stories) == 1
    assert len(data.stories.rules) == 5
    assert dict(data.responses) == {}
