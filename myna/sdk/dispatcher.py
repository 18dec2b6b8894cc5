"""`CollectingDispatcher`: collects the messages an action sends (rasa_sdk.executor's class).

Import it from `myna.sdk.executor`, as with rasa_sdk; it lives here so that the tracker
and action interfaces can name it without importing the registry.
"""

from __future__ import annotations

import warnings
from typing import Any


class CollectingDispatcher:
    """Collects the messages an action sends; they become the response's `responses`."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(
        self,
        text: str | None = None,
        image: str | None = None,
        json_message: dict[str, Any] | None = None,
        template: str | None = None,
        response: str | None = None,
        attachment: Any = None,
        buttons: list[dict[str, Any]] | None = None,
        elements: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """Send a message: text and rich parts, or a domain `response` with extra variables."""
        if template and not response:
            warnings.warn(
                "utter_message(template=...) is deprecated, use response=...",
                FutureWarning,
                stacklevel=2,
            )
            response = template
        self.messages.append(
            {
                "text": text,
                "buttons": buttons or [],
                "elements": elements or [],
                "custom": json_message or {},
                "template": response,
                "response": response,
                "image": image,
                "attachment": attachment,
                **kwargs,
            }
        )
