"""DucklingEntityExtractor: dates, times, numbers, amounts… from a Duckling server over HTTP.

As in Rasa, each message is POSTed form-encoded to ``<url>/parse`` with ``text``, ``locale``,
``tz`` (the ``timezone`` option), ``dims`` (a JSON list, when ``dimensions`` is set) and
``reftime``: the current time in milliseconds, whole seconds. Options left unset are not
sent, so the server's defaults apply. ``RASA_DUCKLING_HTTP_URL`` in the environment
overrides ``url``, as in Rasa.

Every match becomes ``{"start", "end", "text", "value", "confidence": 1.0,
"additional_info", "entity", "extractor"}`` with ``entity`` = Duckling's ``dim``,
``additional_info`` = Duckling's whole ``value`` object, and ``value`` = its ``value``, or
``{"to": …, "from": …}`` for an interval. Matches whose ``dim`` is not among
``dimensions`` are dropped. A server that is down, slow (``timeout`` seconds) or answers
anything but Duckling's JSON costs one logged warning and adds no entities.

This is the NLU's one HTTP adapter; the client (httpx) is created once and reused.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

import httpx
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator

from myna.nlu.component import Component, ComponentConfig
from myna.nlu.message import Entity, Message

logger = logging.getLogger(__name__)

URL_VARIABLE = "RASA_DUCKLING_HTTP_URL"


class DucklingConfig(ComponentConfig):
    url: str | None = Field(None, validate_default=True)
    dimensions: list[str] | None = None
    locale: str | None = None
    timezone: str | None = None
    timeout: float = 3.0

    @field_validator("url", mode="after")
    @classmethod
    def _known_server(cls, url: str | None) -> str | None:
        if url is None and not os.environ.get(URL_VARIABLE):
            raise ValueError(
                f"set it to the Duckling server, e.g. http://localhost:8000 (or set {URL_VARIABLE})"
            )
        return url

    @field_validator("timeout")
    @classmethod
    def _positive(cls, timeout: float) -> float:
        if timeout <= 0:
            raise ValueError("must be a positive number of seconds")
        return timeout


class DucklingMatch(BaseModel):
    """One item of Duckling's ``/parse`` answer (other keys, e.g. ``latent``, are ignored)."""

    dim: str
    body: str
    start: int
    end: int
    value: dict[str, Any]


_ANSWER = TypeAdapter(list[DucklingMatch])


def entity_value(value: dict[str, Any]) -> Any:
    """Rasa's ``value``: Duckling's ``value``, or ``{"to", "from"}`` for an interval."""
    if value.get("type") == "interval":
        return {
            "to": (value.get("to") or {}).get("value"),
            "from": (value.get("from") or {}).get("value"),
        }
    return value.get("value")


class DucklingEntityExtractor(Component):
    Config = DucklingConfig
    config: DucklingConfig

    def __init__(self, config: ComponentConfig) -> None:
        super().__init__(config)
        base = os.environ.get(URL_VARIABLE) or self.config.url or ""
        self.parse_url = base.rstrip("/") + "/parse"
        self.client = httpx.Client(timeout=self.config.timeout)

    def _payload(self, text: str) -> dict[str, str]:
        dimensions = self.config.dimensions
        fields = {
            "text": text,
            "locale": self.config.locale,
            "tz": self.config.timezone,
            "dims": json.dumps(dimensions) if dimensions else None,
            "reftime": str(int(time.time()) * 1000),
        }
        return {key: value for key, value in fields.items() if value is not None}

    def parse(self, text: str) -> list[DucklingMatch]:
        """Duckling's matches for ``text``; on any failure a warning and no match."""
        try:
            response = self.client.post(self.parse_url, data=self._payload(text))
            response.raise_for_status()
            return _ANSWER.validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as error:
            reason = next(iter(str(error).splitlines()), type(error).__name__)
            logger.warning(
                "%s: no entities, Duckling at %s failed: %s", self.name, self.parse_url, reason
            )
            return []

    def process(self, message: Message) -> None:
        if not message.text.strip():
            return
        wanted = self.config.dimensions
        for match in self.parse(message.text):
            if not wanted or match.dim in wanted:
                message.entities.append(self._entity(match))

    def _entity(self, match: DucklingMatch) -> Entity:
        return {
            "start": match.start,
            "end": match.end,
            "text": match.body,
            "value": entity_value(match.value),
            "confidence": 1.0,
            "additional_info": match.value,
            "entity": match.dim,
            "extractor": self.name,
        }
