"""`myna shell`: chat with the assistant in the terminal (embedded mode, in-memory store).

On a terminal it prompts; with piped input it reads one user message per line and prints
the bot's replies, one per line, prefixed by nothing, so that a script can drive it.
Buttons are listed under their message as `[title] payload`.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from myna.cli.common import EndpointsOpt, ModelOpt, err_console
from myna.cli.run import ActionsPackageOpt, load_assistant, load_wiring
from myna.dialogue.message import UserMessage
from myna.embedded import EmbeddedAssistant

CHANNEL = "cmdline"


def shell(
    ctx: typer.Context,
    model: ModelOpt = Path("models"),
    endpoints: EndpointsOpt = Path("endpoints.yml"),
    conversation_id: Annotated[
        str | None, typer.Option("--conversation-id", help="Conversation to continue.")
    ] = None,
    actions_package: ActionsPackageOpt = None,
) -> None:
    """Chat with the assistant in the terminal."""
    if ctx.invoked_subcommand is not None:
        return
    wiring = load_wiring(endpoints, actions_package, persist=conversation_id is not None)
    assistant = load_assistant(model, wiring)
    sender = conversation_id or uuid.uuid4().hex
    if sys.stdin.isatty():
        asyncio.run(_interactive(assistant, sender, Console()))
    else:
        asyncio.run(_piped(assistant, sender, sys.stdin))


def render(message: dict[str, Any]) -> list[str]:
    """A bot message as terminal lines: its text, image, buttons and custom payload."""
    lines = [str(message["text"])] if message.get("text") else []
    if message.get("image"):
        lines.append(f"Image: {message['image']}")
    lines += [f"  [{b.get('title')}] {b.get('payload')}" for b in message.get("buttons") or []]
    if message.get("custom"):
        lines.append(f"Custom: {message['custom']}")
    return lines


async def _reply(assistant: EmbeddedAssistant, sender: str, text: str) -> list[str]:
    messages = await assistant.handle_message(
        UserMessage(text=text, sender_id=sender, input_channel=CHANNEL), output_channel=CHANNEL
    )
    return [line for message in messages for line in render(message)]


async def _piped(assistant: EmbeddedAssistant, sender: str, lines: Iterable[str]) -> None:
    for line in lines:
        for reply in await _reply(assistant, sender, line.rstrip("\r\n")):
            print(reply, flush=True)


async def _interactive(assistant: EmbeddedAssistant, sender: str, console: Console) -> None:
    err_console.print(f"Bot loaded from {escape(str(assistant.model_path))}. Type /stop to quit.")
    while True:
        try:
            text = await asyncio.to_thread(console.input, "[bold cyan]Your input ->[/] ")
        except (EOFError, KeyboardInterrupt):
            return
        if text.strip() == "/stop":
            return
        for reply in await _reply(assistant, sender, text):
            console.print(f"[green]{escape(reply)}[/]", soft_wrap=True)
