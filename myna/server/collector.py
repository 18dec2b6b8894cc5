"""Bot messages as the REST channel (Rasa's collecting output channel) returns them.

Per message: quick replies or buttons → one item with text and buttons; otherwise the
text, split on blank lines into separate items; then separate items for `custom`,
`image` and `attachment`; each element → a `"<title> : <subtitle>"` item with the
element's buttons. Null values are left out. Formatting an already formatted message
gives it back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_SEPARATE_KEYS = ("custom", "image", "attachment")


def collected_messages(
    recipient_id: str, messages: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    return [item for message in messages for item in _items(recipient_id, message)]


def _items(recipient_id: str, message: Mapping[str, Any]) -> list[dict[str, Any]]:
    recipient = message.get("recipient_id") or recipient_id
    text = message.get("text")
    buttons = message.get("quick_replies") or message.get("buttons")
    items: list[dict[str, Any]] = []
    if buttons:
        items.append(_item(recipient, text=text, buttons=buttons))
    elif text:
        items.extend(_item(recipient, text=part) for part in text.strip().split("\n\n"))
    items.extend(
        _item(recipient, **{key: message[key]}) for key in _SEPARATE_KEYS if message.get(key)
    )
    for element in message.get("elements") or ():
        title = f"{element.get('title', '')} : {element.get('subtitle', '')}"
        items.append(_item(recipient, text=title, buttons=element.get("buttons", [])))
    return items


def _item(recipient_id: str, **content: Any) -> dict[str, Any]:
    return {"recipient_id": recipient_id} | {k: v for k, v in content.items() if v is not None}
