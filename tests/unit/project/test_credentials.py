"""credentials.yml: channels and their settings, ${VAR} substitution, defects."""

from __future__ import annotations

from pathlib import Path

from myna.project.credentials import Credentials, load_credentials
from myna.project.errors import Problem, Source


def _load(
    tmp_path: Path, text: str, env: dict[str, str] | None = None
) -> tuple[Credentials, list[Problem], str]:
    path = tmp_path / "credentials.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_credentials(path, problems, env=env or {}), problems, str(path)


def test_golden_credentials(shared: Path) -> None:
    path = shared / "golden" / "bot" / "credentials.yml"
    problems: list[Problem] = []
    credentials = load_credentials(path, problems, env={})
    assert problems == []
    assert credentials == {"rest": {}}
    assert list(credentials) == ["rest"] and len(credentials) == 1
    assert credentials.sources["rest"] == Source(str(path), 1, 1)


def test_channel_settings_with_environment_variables(tmp_path: Path) -> None:
    text = """\
rest:
slack:
  slack_token: "${SLACK_TOKEN}"
  slack_signing_secret: "${SLACK_SECRET}"
  errors_ignore_retry: [http_timeout]
telegram:
  access_token: "123:${TELEGRAM_KEY}"
  verify: my_bot
"""
    env = {"SLACK_TOKEN": "xoxb-1", "TELEGRAM_KEY": "ABC"}
    credentials, problems, file = _load(tmp_path, text, env)
    assert credentials["slack"]["slack_token"] == "xoxb-1"
    assert credentials["slack"]["errors_ignore_retry"] == ["http_timeout"]
    assert credentials["telegram"] == {"access_token": "123:ABC", "verify": "my_bot"}
    assert credentials["rest"] == {}
    assert credentials.sources["telegram"].line == 6
    assert [(p.source, p.message) for p in problems] == [
        (Source(file, 4, 25), "environment variable 'SLACK_SECRET' is not set")
    ]


def test_channel_settings_must_be_a_mapping(tmp_path: Path) -> None:
    credentials, problems, _ = _load(tmp_path, "rest: {}\nslack: xoxb-token\n")
    assert [(p.source.line, p.message) for p in problems] == [
        (2, "the settings of channel 'slack' must be a mapping, not a string")
    ]
    assert list(credentials) == ["rest"]


def test_missing_file_means_no_channels(tmp_path: Path) -> None:
    problems: list[Problem] = []
    credentials = load_credentials(tmp_path / "credentials.yml", problems)
    assert credentials == {} and problems == []
    assert isinstance(credentials, Credentials)
    _, problems, _ = _load(tmp_path, "- rest\n")
    assert [p.message for p in problems] == ["the credentials file must be a mapping, not a list"]
