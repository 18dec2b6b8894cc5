"""Bot messages formatted like Rasa's collecting output channel."""

from __future__ import annotations

from myna.server.collector import collected_messages


def test_text_is_split_on_blank_lines() -> None:
    items = collected_messages("u", [{"text": "one\n\ntwo\nlines", "buttons": None}])
    assert items == [
        {"recipient_id": "u", "text": "one"},
        {"recipient_id": "u", "text": "two\nlines"},
    ]


def test_buttons_and_quick_replies_stay_with_their_text() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    items = collected_messages(
        "u", [{"text": "Pick\n\none", "buttons": buttons}, {"text": "Or", "quick_replies": buttons}]
    )
    assert items == [
        {"recipient_id": "u", "text": "Pick\n\none", "buttons": buttons},
        {"recipient_id": "u", "text": "Or", "buttons": buttons},
    ]


def test_rich_parts_become_separate_items_in_rasas_order() -> None:
    message = {
        "text": "Look",
        "image": "https://example.org/x.jpg",
        "attachment": "file.pdf",
        "custom": {"any": "json"},
        "elements": [{"title": "A", "subtitle": "a", "buttons": [{"title": "go"}]}, {"title": "B"}],
        "timestamp": 1.0,
        "utter_action": "utter_look",
    }
    assert collected_messages("u", [message]) == [
        {"recipient_id": "u", "text": "Look"},
        {"recipient_id": "u", "custom": {"any": "json"}},
        {"recipient_id": "u", "image": "https://example.org/x.jpg"},
        {"recipient_id": "u", "attachment": "file.pdf"},
        {"recipient_id": "u", "text": "A : a", "buttons": [{"title": "go"}]},
        {"recipient_id": "u", "text": "B : ", "buttons": []},
    ]


def test_formatted_messages_come_back_unchanged() -> None:
    formatted = [
        {"recipient_id": "other", "text": "Hi"},
        {"recipient_id": "other", "custom": {"a": 1}},
    ]
    assert collected_messages("u", formatted) == formatted


def test_empty_messages_yield_nothing() -> None:
    assert collected_messages("u", [{"text": None}, {"text": ""}]) == []
