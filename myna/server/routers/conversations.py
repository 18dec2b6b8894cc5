"""The conversations API: `/conversations/{conversation_id}/...` (authenticated).

Conversation ids may contain `/`. Tracker answers carry the events chosen by
`include_events`; `messages` are returned only for the `collector` output channel.
"""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from myna.events import Event, UserUttered
from myna.server.auth import authorize
from myna.server.bodies import (
    ActionRequest,
    IntentRequest,
    MessageRequest,
    documented,
    events_body,
    json_body,
)
from myna.server.collector import collected_messages
from myna.server.deps import (
    COLLECTOR,
    AssistantDep,
    FlagParam,
    IncludeEvents,
    OutputChannel,
    Until,
    flag,
)
from myna.server.errors import ApiError, bad_request, failing_as
from myna.server.ports import Assistant
from myna.server.story_writer import story_yaml
from myna.tracker import EventVerbosity

CONVERSATION_ERROR = "ConversationError"

router = APIRouter(
    prefix="/conversations", tags=["conversations"], dependencies=[Depends(authorize)]
)

EventsBody = Annotated[list[Event], Depends(events_body)]
MessageBody = Annotated[MessageRequest, Depends(json_body(MessageRequest))]
IntentBody = Annotated[IntentRequest, Depends(json_body(IntentRequest))]
ActionBody = Annotated[ActionRequest, Depends(json_body(ActionRequest))]

Json = dict[str, Any]


@router.get("/{conversation_id:path}/tracker")
async def tracker(
    conversation_id: str, assistant: AssistantDep, include_events: IncludeEvents, until: Until
) -> Json:
    with failing_as(CONVERSATION_ERROR):
        current = await assistant.get_tracker(conversation_id)
    if until is not None:
        current = current.until(until)
    return current.current_state(include_events)


@router.post("/{conversation_id:path}/tracker/events")
async def append_events(
    conversation_id: str,
    events: EventsBody,
    assistant: AssistantDep,
    include_events: IncludeEvents,
    output_channel: OutputChannel = COLLECTOR,
    execute_side_effects: FlagParam = None,
) -> Json:
    """Append events; with `execute_side_effects` their reminders are scheduled too."""
    with failing_as(CONVERSATION_ERROR):
        await assistant.append_events(
            conversation_id, events, output_channel, flag(execute_side_effects)
        )
    return await _state(assistant, conversation_id, include_events)


@router.put("/{conversation_id:path}/tracker/events")
async def replace_events(
    conversation_id: str, events: EventsBody, assistant: AssistantDep, include_events: IncludeEvents
) -> Json:
    with failing_as(CONVERSATION_ERROR):
        await assistant.replace_events(conversation_id, events)
    return await _state(assistant, conversation_id, include_events)


@router.get("/{conversation_id:path}/story", response_class=PlainTextResponse)
async def story(
    conversation_id: str, assistant: AssistantDep, until: Until, all_sessions: FlagParam = None
) -> str:
    with failing_as(CONVERSATION_ERROR):
        current = await assistant.get_tracker(conversation_id)
    if until is not None:
        current = current.until(until)
    return story_yaml(current, all_sessions=flag(all_sessions))


@router.post("/{conversation_id:path}/messages", openapi_extra=documented(MessageRequest))
async def add_message(
    conversation_id: str,
    body: MessageBody,
    assistant: AssistantDep,
    include_events: IncludeEvents,
    output_channel: OutputChannel = COLLECTOR,
) -> Json:
    """Log a user message (parsed unless `parse_data` is given) without predicting."""
    if body.sender != "user":
        raise bad_request(
            "Currently, only user messages can be passed to this endpoint. "
            f"Messages of sender '{body.sender}' cannot be handled."
        )
    with failing_as(CONVERSATION_ERROR):
        parse_data = body.parse_data or await run_in_threadpool(assistant.parse, body.text)
        message_id = uuid.uuid4().hex
        event = UserUttered(
            text=body.text,
            parse_data={**parse_data, "message_id": message_id},
            message_id=message_id,
        )
        await assistant.append_events(conversation_id, [event], output_channel)
    return await _state(assistant, conversation_id, include_events)


@router.post("/{conversation_id:path}/trigger_intent", openapi_extra=documented(IntentRequest))
async def trigger_intent(
    conversation_id: str,
    body: IntentBody,
    assistant: AssistantDep,
    include_events: IncludeEvents,
    output_channel: OutputChannel = COLLECTOR,
) -> Json:
    if body.name not in assistant.domain.intent_names:
        raise ApiError(
            HTTPStatus.NOT_FOUND,
            "NotFound",
            f"The intent '{body.name}' does not exist in the domain.",
        )
    with failing_as(CONVERSATION_ERROR):
        messages = await assistant.trigger_intent(
            conversation_id, body.name, body.entities, output_channel
        )
    return await _turn(assistant, conversation_id, messages, output_channel, include_events)


@router.post("/{conversation_id:path}/predict")
async def predict(conversation_id: str, assistant: AssistantDep) -> Json:
    with failing_as("PredictionError"):
        return await assistant.predict_next(conversation_id)


@router.post("/{conversation_id:path}/execute", openapi_extra=documented(ActionRequest))
async def execute(
    conversation_id: str,
    body: ActionBody,
    assistant: AssistantDep,
    include_events: IncludeEvents,
    output_channel: OutputChannel = COLLECTOR,
) -> Json:
    """Run action `name` (deprecated in Rasa in favour of `trigger_intent`).

    The tracker answered is the one before the action ran, as Rasa 3.6 answers.
    """
    with failing_as(CONVERSATION_ERROR):
        messages, before = await assistant.execute_action(
            conversation_id, body.name, output_channel, body.policy, body.confidence
        )
    return _answer(before.current_state(include_events), conversation_id, messages, output_channel)


async def _state(
    assistant: Assistant, conversation_id: str, include_events: EventVerbosity
) -> Json:
    with failing_as(CONVERSATION_ERROR):
        current = await assistant.get_tracker(conversation_id)
    return current.current_state(include_events)


async def _turn(
    assistant: Assistant,
    conversation_id: str,
    messages: list[dict[str, Any]],
    output_channel: str,
    include_events: EventVerbosity,
) -> Json:
    state = await _state(assistant, conversation_id, include_events)
    return _answer(state, conversation_id, messages, output_channel)


def _answer(
    state: Json, conversation_id: str, messages: list[dict[str, Any]], output_channel: str
) -> Json:
    answer: Json = {"tracker": state}
    if output_channel == COLLECTOR:
        answer["messages"] = collected_messages(conversation_id, messages)
    return answer
