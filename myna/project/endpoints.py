"""Parse ``endpoints.yml``: action server, model server, stores, broker, NLG."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from myna.project.env_vars import read_with_env_vars
from myna.project.errors import Problem, Severity, Source
from myna.project.yaml_fields import (
    as_map,
    check_keys,
    empty_mapping,
    is_map,
    is_str,
    plain,
    read_value,
)
from myna.project.yaml_reader import YamlMap

ENDPOINT_SECTIONS = (
    "action_endpoint",
    "models",
    "tracker_store",
    "event_broker",
    "lock_store",
    "nlg",
)


# The keys every endpoint understands → (check, what the value must be). Rasa also accepts
# ``store_type`` for ``type``; any other key is a type-specific option (``kwargs``).
_FIELDS: Mapping[str, tuple[Callable[[Any], bool], str]] = MappingProxyType(
    {
        "url": (is_str, "a string"),
        "params": (is_map, "a mapping"),
        "headers": (is_map, "a mapping"),
        "basic_auth": (is_map, "a mapping with username and password"),
        "token": (is_str, "a string"),
        "token_name": (is_str, "a string"),
        "cafile": (is_str, "a string"),
        "type": (is_str, "a string"),
        "store_type": (is_str, "a string"),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointConfig:
    source: Source
    url: str | None = None
    params: Mapping[str, Any] = field(default_factory=empty_mapping)
    headers: Mapping[str, Any] = field(default_factory=empty_mapping)
    basic_auth: Mapping[str, Any] | None = None
    token: str | None = None
    token_name: str = "token"
    cafile: str | None = None
    type: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=empty_mapping)


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Each endpoint, or None when the file does not configure it (its default applies)."""

    action_endpoint: EndpointConfig | None = None
    models: EndpointConfig | None = None
    tracker_store: EndpointConfig | None = None
    event_broker: EndpointConfig | None = None
    lock_store: EndpointConfig | None = None
    nlg: EndpointConfig | None = None


def load_endpoints(
    path: Path | str, problems: list[Problem], env: Mapping[str, str] | None = None
) -> Endpoints:
    """Read ``endpoints.yml`` (a missing file configures nothing), substituting ``${VAR}``."""
    root = read_with_env_vars(Path(path), "the endpoints file", problems, env)
    if root is None:
        return Endpoints()
    check_keys(root, ENDPOINT_SECTIONS, "the endpoints file", problems, Severity.WARNING)
    sections = {
        name: _endpoint(root, name, problems)
        for name in ENDPOINT_SECTIONS
        if root.get(name) is not None
    }
    return Endpoints(**sections)


def _endpoint(root: YamlMap, name: str, problems: list[Problem]) -> EndpointConfig | None:
    node = as_map(root[name], root.value_source(name), f"'{name}'", problems)
    if node is None:
        return None
    known = {
        key: read_value(node, key, accept, expected, None, problems)
        for key, (accept, expected) in _FIELDS.items()
    }
    basic_auth = known["basic_auth"]
    if basic_auth is not None and not {"username", "password"} <= basic_auth.keys():
        message = f"'basic_auth' of '{name}' needs 'username' and 'password'"
        problems.append(Problem(node.value_source("basic_auth"), message))
    return EndpointConfig(
        source=root.key_source(name),
        url=known["url"],
        params=MappingProxyType(plain(known["params"] or {})),
        headers=MappingProxyType(plain(known["headers"] or {})),
        basic_auth=MappingProxyType(plain(basic_auth)) if basic_auth is not None else None,
        token=known["token"],
        token_name=known["token_name"] or "token",
        cafile=known["cafile"],
        type=known["type"] or known["store_type"],
        kwargs=MappingProxyType({k: plain(v) for k, v in node.items() if k not in _FIELDS}),
    )
