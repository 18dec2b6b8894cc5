"""`MessageProcessor`: the message loop of dialogue-semantics.md §1, top to bottom.

message → session check → NLU → `user` event → slot extraction → predict and run
actions until one listens → append the turn's new events to the store.

Each conversation is handled one request at a time (`ConversationLocks`); different
conversations run concurrently. A turn works on a tracker in memory and appends its
events to the store only once it has completed, so a failure leaves the store as it was
(`ConversationError`). Reminders and cancellations among the saved events go to the
`ReminderScheduler`, which calls `handle_reminder` when one is due. Trackers stay in memory
between turns while the store is this process's alone (`ConversationCache`). When turns
overlap, the NLU runs in a worker thread of its own (see `_parse`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from myna.actions.executor import ActionExecutor
from myna.dialogue.actions.base import ResponseGenerator
from myna.dialogue.ensemble import PolicyEnsemble, max_number_of_predictions
from myna.dialogue.message import (
    NLUParser,
    UserMessage,
    needs_nlu,
    parse_message,
    user_event,
)
from myna.dialogue.processor_cache import DEFAULT_CACHED_CONVERSATIONS, ConversationCache
from myna.dialogue.processor_errors import (
    ConversationError,
    ConversationNotFoundError,
    NoDialogueModelError,
    ProcessorError,
    UnknownIntentError,
)
from myna.dialogue.processor_locks import ConversationLocks
from myna.dialogue.processor_loop import ActionResolver, DialogueLoop
from myna.dialogue.processor_turn import Decision, Turn
from myna.dialogue.reminders import ReminderScheduler, still_due
from myna.dialogue.session import needs_session_start
from myna.events import Event, ReminderScheduled, SessionStarted, UserUttered
from myna.project.domain import Domain
from myna.stores.base import TrackerStore, latest_session
from myna.tracker import EventVerbosity, Tracker

logger = logging.getLogger(__name__)

COLLECTOR_CHANNEL = "collector"


class MessageProcessor:
    """Handles user messages and the conversation requests of the HTTP API."""

    def __init__(
        self,
        domain: Domain,
        nlu: NLUParser | None,
        ensemble: PolicyEnsemble | None,
        store: TrackerStore,
        nlg: ResponseGenerator,
        action_resolver: ActionResolver,
        executor: ActionExecutor | None,
        model_id: str,
        assistant_id: str,
        clock: Callable[[], float] = time.time,
        max_predictions: int | None = None,
        cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
    ) -> None:
        """`ensemble` None: an NLU-only model. `max_predictions` None: from the env.

        The processor must be the only writer through `store` (its cache relies on it).
        """
        self.domain = domain
        self.nlu = nlu
        self.store = store
        self.model_id = model_id
        self.assistant_id = assistant_id
        self.clock = clock
        self.loop = DialogueLoop(
            domain,
            ensemble,
            nlg,
            action_resolver,
            executor,
            max_predictions or max_number_of_predictions(),
        )
        self.locks = ConversationLocks()
        self.cache = ConversationCache(store, cached_conversations)
        self.reminders = ReminderScheduler(self.handle_reminder, clock)
        self._nlu_thread: ThreadPoolExecutor | None = None
        self._parsing = 0

    async def close(self) -> None:
        """Drop pending reminders (they live in memory, like Rasa's); stop the NLU thread."""
        await self.reminders.close()
        if self._nlu_thread is not None:
            self._nlu_thread.shutdown(wait=False, cancel_futures=True)

    # The message loop

    async def handle_message(
        self, message: UserMessage, output_channel: str = COLLECTOR_CHANNEL
    ) -> list[dict[str, Any]]:
        """Handle one user message; the bot messages of the turn, in order."""
        async with self._turn(message.sender_id) as turn:
            await self._log_message(turn, message, output_channel)
            if self.loop.ensemble is not None:
                await self.loop.extract_slots(turn, output_channel)
                await self.loop.predict_and_run(turn, output_channel)
        return turn.messages

    async def log_message(
        self, message: UserMessage, output_channel: str = COLLECTOR_CHANNEL
    ) -> Tracker:
        """Log a message (session check, NLU) and extract slots, predicting no action."""
        async with self._turn(message.sender_id) as turn:
            await self._log_message(turn, message, output_channel)
            await self.loop.extract_slots(turn, output_channel)
        return turn.tracker

    async def trigger_intent(
        self,
        sender_id: str,
        intent: str,
        entities: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
        output_channel: str = COLLECTOR_CHANNEL,
    ) -> list[dict[str, Any]]:
        """Inject an external user message for `intent`, then extract slots and predict."""
        if intent not in self.domain.intent_names:
            raise UnknownIntentError(intent)
        self._require_policies()
        async with self._turn(sender_id) as turn:
            await self._check_session(turn, output_channel, None)
            await self._inject_intent(turn, intent, entities, output_channel)
        return turn.messages

    async def handle_reminder(
        self,
        sender_id: str,
        reminder: ReminderScheduled,
        output_channel: str = COLLECTOR_CHANNEL,
    ) -> list[dict[str, Any]]:
        """Trigger a due reminder's intent, unless the conversation moved past it."""
        async with self._turn(sender_id) as turn:
            await self._check_session(turn, output_channel, None)
            tracker = turn.tracker
            if self.loop.ensemble is None or not still_due(
                tracker.events, tracker.applied_events(), reminder
            ):
                logger.debug("Reminder %r of %r is outdated.", reminder.name, sender_id)
            else:
                await self._inject_intent(turn, reminder.intent, reminder.entities, output_channel)
        return turn.messages

    async def predict_next(self, sender_id: str) -> dict[str, Any]:
        """Scores for every action (best first), the winning policy, and the tracker.

        Runs no action, but saves a session start if one was due.
        """
        ensemble = self._require_policies()
        async with self._turn(sender_id, must_exist=True) as turn:
            await self._check_session(turn, COLLECTOR_CHANNEL, None)
            prediction = ensemble.predict(turn.tracker, self.domain)
        scores = [
            {"action": name, "score": score}
            for name, score in zip(self.domain.action_names, prediction.probabilities, strict=True)
        ]
        scores.sort(key=lambda item: (-item["score"], item["action"]))
        return {
            "scores": scores,
            "policy": prediction.policy_name,
            "confidence": prediction.confidence,
            "tracker": turn.tracker.current_state(EventVerbosity.AFTER_RESTART),
        }

    async def execute_action(
        self,
        sender_id: str,
        action_name: str,
        output_channel: str = COLLECTOR_CHANNEL,
        policy: str | None = None,
        confidence: float | None = None,
    ) -> tuple[list[dict[str, Any]], Tracker]:
        """Run one named action (no prediction loop afterwards): its bot messages, and the
        tracker as it was before the action ran (what Rasa's `/execute` answers with)."""
        async with self._turn(sender_id, must_exist=True) as turn:
            await self._check_session(turn, output_channel, None)
            before = turn.tracker.copy()
            decision = Decision(action_name, policy, confidence)
            await self.loop.run_action(turn, decision, output_channel)
        return turn.messages, before

    # Conversation history

    async def get_tracker(self, sender_id: str) -> Tracker:
        """The full history (all sessions); an unknown id gets an unsaved session start."""
        events = await self.store.retrieve(sender_id)
        turn = self._new_turn(self._tracker(sender_id, events or []))
        if not events:
            await self.loop.start_session(turn, COLLECTOR_CHANNEL, None)
        return turn.tracker

    async def append_events(
        self,
        sender_id: str,
        events: Sequence[Event],
        output_channel: str = COLLECTOR_CHANNEL,
        side_effects: bool = False,
    ) -> Tracker:
        """Append events (timestamps kept, metadata stamped); the full tracker.

        A new conversation first gets a session start unless `events` begin with
        `session_started`. `side_effects`: schedule and cancel the reminders among them.
        """
        async with self._turn(sender_id, full_history=True, side_effects=side_effects) as turn:
            starts_session = bool(events) and isinstance(events[0], SessionStarted)
            if not turn.tracker.events and not starts_session:
                await self.loop.start_session(turn, output_channel, None)
            turn.log(events, restamp=False)
        return turn.tracker

    async def replace_events(self, sender_id: str, events: Sequence[Event]) -> Tracker:
        """Make `events` the whole history, as given; the tracker they make."""
        async with self.locks.hold(sender_id):
            self.cache.drop(sender_id)
            await self.store.replace(sender_id, events)
        return self._tracker(sender_id, events)

    # Helpers

    @asynccontextmanager
    async def _turn(
        self,
        sender_id: str,
        *,
        full_history: bool = False,
        must_exist: bool = False,
        side_effects: bool = True,
    ) -> AsyncIterator[Turn]:
        """Hold the conversation, load it, and save what the turn logged once it is done;
        then (`side_effects`) schedule and cancel the reminders the saved events ask for."""
        async with self.locks.hold(sender_id):
            tracker = self.cache.take(sender_id)
            if tracker is None or full_history:
                events = await self.store.retrieve(sender_id) or []
                tracker = self._tracker(
                    sender_id, events if full_history else latest_session(events)
                )
            if must_exist and not tracker.events:
                raise ConversationNotFoundError(sender_id)
            turn = self._new_turn(tracker)
            try:
                yield turn
                if turn.new_events:
                    await self.store.append(sender_id, turn.new_events)
                if not full_history:
                    self.cache.put(sender_id, self._latest_session(turn))
                if side_effects:
                    self.reminders.apply(sender_id, turn.new_events)
            except ProcessorError:
                raise
            except Exception as error:
                raise ConversationError(sender_id, error) from error

    def _latest_session(self, turn: Turn) -> Tracker:
        """The turn's tracker, cut at a session the turn started (as a store read cuts)."""
        if any(isinstance(event, SessionStarted) for event in turn.new_events):
            return self._tracker(turn.sender_id, latest_session(turn.tracker.events))
        return turn.tracker

    def _tracker(self, sender_id: str, events: Sequence[Event]) -> Tracker:
        return Tracker(sender_id, self.domain.slot_initial_values(), events)

    def _new_turn(self, tracker: Tracker) -> Turn:
        return Turn(tracker, self.clock, self.model_id, self.assistant_id)

    def _require_policies(self) -> PolicyEnsemble:
        if self.loop.ensemble is None:
            raise NoDialogueModelError()
        return self.loop.ensemble

    async def _check_session(
        self, turn: Turn, channel: str, metadata: dict[str, Any] | None
    ) -> None:
        if needs_session_start(turn.tracker, self.domain.session_config, turn.now()):
            await self.loop.start_session(turn, channel, metadata)

    async def _inject_intent(
        self,
        turn: Turn,
        intent: str,
        entities: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
        channel: str,
    ) -> None:
        """Log an external user message for `intent`, extract slots and predict."""
        input_channel = turn.tracker.latest_input_channel
        turn.log([UserUttered.external(intent, entities, input_channel)])
        await self.loop.extract_slots(turn, channel)
        await self.loop.predict_and_run(turn, channel)

    async def _log_message(self, turn: Turn, message: UserMessage, channel: str) -> None:
        """Session check, NLU, and the `user` event."""
        await self._check_session(turn, channel, message.metadata)
        parse_data = await self._parse(message)
        turn.log([user_event(message, parse_data, turn.now())])

    async def _parse(self, message: UserMessage) -> dict[str, Any]:
        """The message's parse data; from the NLU's own thread while other turns wait.

        A lone turn parses inline: handing a parse to another thread (and core) costs more
        than half a parse, in cache misses more than in the hand-over. When turns overlap,
        the parse goes to one worker thread: onnxruntime releases the GIL, so the model
        runs on a second core while the loop goes on with other turns, and a pipeline that
        blocks (a Duckling extractor waiting on HTTP) holds up only the parses. The yield
        first lets turns that have already arrived reach this point too, so a loaded server
        sees them; otherwise each turn would run to its end before the next one started.
        """
        if not needs_nlu(message, self.nlu):
            return parse_message(message, self.nlu)
        self._parsing += 1
        try:
            await asyncio.sleep(0)
            if self._parsing == 1:
                return parse_message(message, self.nlu)
            if self._nlu_thread is None:
                self._nlu_thread = ThreadPoolExecutor(1, thread_name_prefix="myna-nlu")
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._nlu_thread, parse_message, message, self.nlu)
        finally:
            self._parsing -= 1
