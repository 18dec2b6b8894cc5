"""Myna's action SDK: the rasa_sdk API, so action code runs after changing its imports.

`from rasa_sdk import Action, Tracker` becomes `from myna.sdk import Action, Tracker`;
`rasa_sdk.events`, `.executor`, `.types`, `.interfaces` and `.forms` map to the modules
of the same names here. The SDK imports no web framework and no HTTP client: the action
server (`myna.actions.server`) and the engine's clients live in `myna.actions`.
"""

from myna.sdk.executor import ActionExecutor, CollectingDispatcher
from myna.sdk.forms import FormValidationAction, ValidationAction
from myna.sdk.interfaces import (
    Action,
    ActionExecutionRejection,
    ActionNotFoundException,
    Tracker,
)

__all__ = [
    "Action",
    "ActionExecutionRejection",
    "ActionExecutor",
    "ActionNotFoundException",
    "CollectingDispatcher",
    "FormValidationAction",
    "Tracker",
    "ValidationAction",
]
