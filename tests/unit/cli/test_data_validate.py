"""`myna data validate` on the restaurant example, clean and with planted defects."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from myna.cli.main import app

EXAMPLE = Path(__file__).parents[3] / "examples" / "restaurant"
runner = CliRunner()


def _validate(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["data", "validate", *args], terminal_width=400)
    return result.exit_code, result.output


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def test_restaurant_example_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _validate(EXAMPLE, monkeypatch)
    assert code == 0, output
    assert "0 error(s)" in output


@pytest.fixture
def broken_bot(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, int]]]:
    """A copy of the example with one defect per kind; returns where each must be reported."""
    bot = tmp_path / "bot"
    shutil.copytree(EXAMPLE, bot, ignore=shutil.ignore_patterns("models", "*.db", "results"))
    expected: dict[str, tuple[str, int]] = {}

    # 1. A story names an intent the domain does not declare.
    stories = bot / "data" / "stories.yml"
    text = stories.read_text()
    match = re.search(r"- intent: (\w+)", text)
    assert match
    text = text.replace(match.group(0), "- intent: greeet_typo", 1)
    stories.write_text(text)
    expected["unknown intent 'greeet_typo'"] = ("data/stories.yml", _line_of(text, "greeet_typo"))

    # 2. Bad YAML indentation in a new data file.
    (bot / "data" / "broken.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n   - bad: [\n'
    )
    expected["invalid YAML"] = ("data/broken.yml", 6)

    # 3. An utter_ action without a response, 4. contradictory rules.
    (bot / "data" / "defect_rules.yml").write_text(
        'version: "3.1"\n'
        "rules:\n"
        "- rule: thank politely\n"
        "  steps:\n"
        "  - intent: thank\n"
        "  - action: utter_not_written\n"
        "- rule: thank twice\n"
        "  steps:\n"
        "  - intent: goodbye\n"
        "  - action: utter_goodbye\n"
        "- rule: goodbye differently\n"
        "  steps:\n"
        "  - intent: goodbye\n"
        "  - action: utter_greet\n"
    )
    expected["'utter_not_written' has no response"] = ("data/defect_rules.yml", 6)
    expected["predicts 'utter_greet'"] = ("data/defect_rules.yml", 14)

    # 5. An annotation with an undeclared entity type, 6. an example under two intents.
    nlu_text = (bot / "data" / "nlu.yml").read_text()
    greet_example = re.search(r"- intent: greet\n\s+examples: \|\n\s+- (.+)\n", nlu_text)
    assert greet_example
    duplicate = greet_example.group(1)
    (bot / "data" / "defect_nlu.yml").write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: goodbye\n"
        "  examples: |\n"
        "    - see you on [mars](planet)\n"
        f"    - {duplicate}\n"
    )
    expected["entity 'planet' is not declared"] = ("data/defect_nlu.yml", 5)
    expected[f"example '{duplicate}' is labelled"] = ("data/defect_nlu.yml", 6)

    # 7. A slot of an unknown type, 8. a form requiring an undeclared slot (domain folder).
    domain_dir = bot / "domain"
    domain_dir.mkdir()
    shutil.move(bot / "domain.yml", domain_dir / "domain.yml")
    (domain_dir / "defects.yml").write_text(
        'version: "3.1"\n'
        "slots:\n"
        "  table_number:\n"
        "    type: integer\n"
        "    mappings:\n"
        "    - type: custom\n"
        "forms:\n"
        "  waitlist_form:\n"
        "    required_slots:\n"
        "    - phone_number\n"
    )
    expected["unknown slot type 'integer'"] = ("domain/defects.yml", 4)
    expected["unknown slot 'phone_number'"] = ("domain/defects.yml", 10)
    return bot, expected


def test_each_planted_defect_is_reported_at_its_file_and_line(
    broken_bot: tuple[Path, dict[str, tuple[str, int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, expected = broken_bot
    code, output = _validate(bot, monkeypatch)
    assert code == 1, output
    lines = output.splitlines()
    for message, (file, line) in expected.items():
        hits = [entry for entry in lines if message in entry]
        assert hits, f"{message!r} not reported:\n{output}"
        assert any(entry.startswith(f"{file}:{line}:") for entry in hits), (message, hits)
    assert len(expected) >= 8


def test_warnings_alone_pass_unless_asked_to_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = tmp_path / "bot"
    shutil.copytree(EXAMPLE, bot, ignore=shutil.ignore_patterns("models", "*.db", "results"))
    domain = bot / "domain.yml"
    domain.write_text(domain.read_text().replace("intents:\n", "intents:\n  - never_trained\n", 1))
    code, output = _validate(bot, monkeypatch)
    assert code == 0, output
    assert "intent 'never_trained' has no NLU training examples" in output
    code, _ = _validate(bot, monkeypatch, "--fail-on-warnings")
    assert code == 1


def test_explicit_paths_are_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _validate(
        tmp_path,
        monkeypatch,
        "--domain",
        str(EXAMPLE / "domain.yml"),
        "--data",
        str(EXAMPLE / "data"),
        "--config",
        str(EXAMPLE / "config.yml"),
    )
    assert code == 0, output
