"""Errors of the message processor, each one an answer the HTTP API can give."""


class ProcessorError(Exception):
    """Base class: the processor refused or failed to handle a request."""


class ConversationNotFoundError(ProcessorError, LookupError):
    """The store has no events for this conversation."""

    def __init__(self, sender_id: str) -> None:
        super().__init__(f"conversation {sender_id!r} not found")
        self.sender_id = sender_id


class UnknownIntentError(ProcessorError, LookupError):
    """An intent to trigger is not in the domain."""

    def __init__(self, intent: str) -> None:
        super().__init__(f"the intent {intent!r} is not in the domain")
        self.intent = intent


class NoDialogueModelError(ProcessorError):
    """Actions were asked for but the model is NLU-only (it has no policies)."""

    def __init__(self) -> None:
        super().__init__("the model has no dialogue policies: cannot predict actions")


class ConversationError(ProcessorError):
    """Handling a conversation's request failed; the store was left unchanged."""

    def __init__(self, sender_id: str, cause: Exception) -> None:
        super().__init__(
            f"processing conversation {sender_id!r} failed, nothing was saved: "
            f"{type(cause).__name__}: {cause}"
        )
        self.sender_id = sender_id
        self.cause = cause
