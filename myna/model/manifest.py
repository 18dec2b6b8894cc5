"""``manifest.json``: what a model file holds, who made it, and what it was trained from.

A later ``myna train`` compares ``Manifest.fingerprint(part)`` of the previous model with
the current project's (config section hash, training-data hash) and reuses that part's
folder unchanged when they are equal. Each part keeps its own metrics, so a reused part
carries the figures of the training run that produced it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from myna import RASA_COMPATIBILITY, __version__

MANIFEST_FILE = "manifest.json"

# The config.yml section each part is trained from.
PART_CONFIG_SECTIONS: Mapping[str, str] = MappingProxyType({"nlu": "pipeline", "core": "policies"})


class ManifestError(ValueError):
    """A manifest that cannot be read, or was written by an incompatible Myna."""


@dataclass(frozen=True, slots=True)
class PartInfo:
    """One trained part (``nlu``, later ``core``): its inputs' hash, components, metrics."""

    data_hash: str
    components: tuple[str, ...]
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_hash": self.data_hash,
            "components": list(self.components),
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PartInfo:
        return cls(str(raw["data_hash"]), tuple(raw["components"]), dict(raw["metrics"]))


@dataclass(frozen=True, slots=True)
class Manifest:
    model_id: str
    created_at: str
    myna_version: str
    rasa_version: str
    assistant_id: str | None
    language: str | None
    config_hashes: Mapping[str, str]
    parts: Mapping[str, PartInfo]

    @classmethod
    def create(
        cls,
        *,
        assistant_id: str | None,
        language: str | None,
        config_hashes: Mapping[str, str],
        parts: Mapping[str, PartInfo],
    ) -> Manifest:
        """A manifest for a model trained now, with a fresh ``model_id``."""
        return cls(
            model_id=uuid.uuid4().hex,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            myna_version=__version__,
            rasa_version=RASA_COMPATIBILITY,
            assistant_id=assistant_id,
            language=language,
            config_hashes=dict(config_hashes),
            parts=dict(parts),
        )

    def fingerprint(self, part: str) -> tuple[str, str] | None:
        """(config section hash, training-data hash) the part was trained from, if present."""
        info = self.parts.get(part)
        config_hash = self.config_hashes.get(PART_CONFIG_SECTIONS.get(part, ""))
        if info is None or config_hash is None:
            return None
        return config_hash, info.data_hash

    def to_json(self) -> str:
        document = {
            "model_id": self.model_id,
            "created_at": self.created_at,
            "myna_version": self.myna_version,
            "rasa_version": self.rasa_version,
            "assistant_id": self.assistant_id,
            "language": self.language,
            "config_hashes": dict(self.config_hashes),
            "parts": {name: info.to_dict() for name, info in self.parts.items()},
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """Parse and check a manifest; ManifestError says what is wrong in one line."""
        try:
            raw = json.loads(text)
            manifest = cls(
                model_id=str(raw["model_id"]),
                created_at=str(raw["created_at"]),
                myna_version=str(raw["myna_version"]),
                rasa_version=str(raw["rasa_version"]),
                assistant_id=raw["assistant_id"],
                language=raw["language"],
                config_hashes={str(k): str(v) for k, v in raw["config_hashes"].items()},
                parts={str(k): PartInfo.from_dict(v) for k, v in raw["parts"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ManifestError(f"{MANIFEST_FILE} is unreadable ({_describe(error)})") from None
        check_compatible(manifest.myna_version)
        return manifest


def check_compatible(version: str) -> None:
    """Refuse models from a newer major Myna version (their layout may have changed)."""
    theirs, ours = _major(version), _major(__version__)
    if theirs is None:
        raise ManifestError(f"{MANIFEST_FILE} names an invalid Myna version {version!r}")
    if ours is not None and theirs > ours:
        raise ManifestError(
            f"the model was trained by Myna {version}, which this Myna ({__version__}) "
            "cannot read: upgrade Myna or retrain the model"
        )


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing field {error.args[0]!r}"
    return " ".join(str(error).split()) or type(error).__name__
