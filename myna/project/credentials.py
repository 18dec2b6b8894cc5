"""Parse ``credentials.yml``: one settings mapping per channel (``rest:`` may be empty)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from myna.project.env_vars import read_with_env_vars
from myna.project.errors import Problem, Source
from myna.project.yaml_fields import as_map, empty_mapping, plain


@dataclass(frozen=True, slots=True, eq=False)
class Credentials(Mapping[str, Mapping[str, Any]]):
    """Channel name → its settings; ``sources`` tells where each channel is configured."""

    channels: Mapping[str, Mapping[str, Any]] = field(default_factory=empty_mapping)
    sources: Mapping[str, Source] = field(default_factory=empty_mapping)

    def __getitem__(self, channel: str) -> Mapping[str, Any]:
        return self.channels[channel]

    def __iter__(self) -> Iterator[str]:
        return iter(self.channels)

    def __len__(self) -> int:
        return len(self.channels)


def load_credentials(
    path: Path | str, problems: list[Problem], env: Mapping[str, str] | None = None
) -> Credentials:
    """Read ``credentials.yml`` (a missing file means no channels), substituting ``${VAR}``."""
    root = read_with_env_vars(Path(path), "the credentials file", problems, env)
    if root is None:
        return Credentials()
    channels: dict[str, Mapping[str, Any]] = {}
    for name, settings in root.items():
        what = f"the settings of channel '{name}'"
        if (
            settings is not None
            and as_map(settings, root.value_source(name), what, problems) is None
        ):
            continue
        channels[name] = MappingProxyType(plain(settings or {}))
    sources = {name: root.key_source(name) for name in channels}
    return Credentials(MappingProxyType(channels), MappingProxyType(sources))
