"""endpoints.yml: golden values, common fields, kwargs, ${VAR} substitution and defects."""

from __future__ import annotations

from pathlib import Path

import pytest

from myna.project.endpoints import EndpointConfig, Endpoints, load_endpoints
from myna.project.errors import Problem, Severity, Source


def _load(
    tmp_path: Path, text: str, env: dict[str, str] | None = None
) -> tuple[Endpoints, list[Problem], str]:
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_endpoints(path, problems, env=env or {}), problems, str(path)


def test_golden_endpoints(shared: Path) -> None:
    path = shared / "golden" / "bot" / "endpoints.yml"
    problems: list[Problem] = []
    endpoints = load_endpoints(path, problems, env={})
    assert problems == []
    assert endpoints.action_endpoint == EndpointConfig(
        source=Source(str(path), 1, 1), url="http://127.0.0.1:5155/webhook"
    )
    store = endpoints.tracker_store
    assert store is not None and store.type == "SQL"
    assert dict(store.kwargs) == {"dialect": "sqlite", "db": "GOLDEN_DIR/tracker.db"}
    assert endpoints.event_broker is not None and endpoints.event_broker.type == "SQL"
    assert (endpoints.models, endpoints.lock_store, endpoints.nlg) == (None, None, None)


def test_common_fields_and_type_specific_options(tmp_path: Path) -> None:
    text = """\
action_endpoint:
  url: "https://actions.example/webhook"
  token: secret
  token_name: auth
  headers: {X-Team: bots}
  params: {v: 2}
  basic_auth: {username: u, password: p}
  cafile: ca.pem
  enable_selective_domain: true
models:
  url: http://models.example/default@latest
  wait_time_between_pulls: 100
tracker_store:
  store_type: redis
  port: 6379
  key_prefix: null
lock_store:
nlg: {url: "http://localhost:5056/nlg"}
"""
    endpoints, problems, _ = _load(tmp_path, text)
    assert problems == []
    action = endpoints.action_endpoint
    assert action is not None
    assert (action.token, action.token_name, action.cafile) == ("secret", "auth", "ca.pem")
    assert (dict(action.headers), dict(action.params)) == ({"X-Team": "bots"}, {"v": 2})
    assert dict(action.basic_auth or {}) == {"username": "u", "password": "p"}
    assert dict(action.kwargs) == {"enable_selective_domain": True}
    assert (
        endpoints.models is not None and endpoints.models.kwargs["wait_time_between_pulls"] == 100
    )
    assert endpoints.models.token_name == "token"
    store = endpoints.tracker_store
    assert store is not None and store.type == "redis"
    assert dict(store.kwargs) == {"port": 6379, "key_prefix": None}
    assert endpoints.lock_store is None
    assert endpoints.nlg is not None and endpoints.nlg.source.line == 18


def test_environment_variables_are_substituted_everywhere(tmp_path: Path) -> None:
    text = """\
action_endpoint:
  url: "http://${ACTION_HOST}:${ACTION_PORT}/webhook"
  headers:
    Authorization: "Bearer ${TOKEN}"
event_broker:
  type: kafka
  url: [a, "${BROKER}"]
  sasl_password: ${TOKEN}
"""
    env = {"ACTION_HOST": "actions", "ACTION_PORT": "5055", "TOKEN": "t0k", "BROKER": "kafka:9092"}
    endpoints, problems, _ = _load(tmp_path, text, env)
    assert endpoints.action_endpoint is not None and endpoints.event_broker is not None
    assert endpoints.action_endpoint.url == "http://actions:5055/webhook"
    assert endpoints.action_endpoint.headers["Authorization"] == "Bearer t0k"
    assert endpoints.event_broker.kwargs["sasl_password"] == "t0k"
    assert [(p.source.line, p.message) for p in problems] == [
        (7, "'url' must be a string, not a list")
    ]


def test_missing_variable_is_a_problem_at_the_value(tmp_path: Path) -> None:
    text = 'models:\n  url: "http://${MODEL_HOST}/m"\n  token: "${A}${B}"\n'
    endpoints, problems, file = _load(tmp_path, text, {"A": "a"})
    assert [(p.source, p.message) for p in problems] == [
        (Source(file, 2, 8), "environment variable 'MODEL_HOST' is not set"),
        (Source(file, 3, 10), "environment variable 'B' is not set"),
    ]
    assert endpoints.models is not None
    assert endpoints.models.url == "http://${MODEL_HOST}/m"
    assert endpoints.models.token == "a${B}"


def test_os_environ_is_used_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYNA_TEST_ACTION_URL", "http://from-env/webhook")
    path = tmp_path / "endpoints.yml"
    path.write_text("action_endpoint:\n  url: ${MYNA_TEST_ACTION_URL}\n")
    problems: list[Problem] = []
    endpoints = load_endpoints(path, problems)
    assert problems == []
    assert endpoints.action_endpoint is not None
    assert endpoints.action_endpoint.url == "http://from-env/webhook"


def test_defects(tmp_path: Path) -> None:
    text = """\
action_endpoint: http://localhost:5055/webhook
models:
  url: http://x
  basic_auth: {username: u}
  headers: [a]
trackerstore:
  type: redis
"""
    endpoints, problems, _ = _load(tmp_path, text)
    assert [(p.source.line, p.severity, p.message) for p in problems] == [
        (
            6,
            Severity.WARNING,
            "unknown key 'trackerstore' in the endpoints file (did you mean 'tracker_store'?)",
        ),
        (1, Severity.ERROR, "'action_endpoint' must be a mapping, not a string"),
        (5, Severity.ERROR, "'headers' must be a mapping, not a list"),
        (4, Severity.ERROR, "'basic_auth' of 'models' needs 'username' and 'password'"),
    ]
    assert endpoints.action_endpoint is None and endpoints.models is not None


def test_missing_or_empty_file_configures_nothing(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert load_endpoints(tmp_path / "endpoints.yml", problems) == Endpoints()
    assert _load(tmp_path, "# nothing yet\n")[:2] == (Endpoints(), [])
