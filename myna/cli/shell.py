"""`myna shell nlu`: parse typed or piped messages (`myna shell` itself: myna.cli.chat).

On a terminal it is an interactive prompt printing each parse result as indented JSON.
With piped input it reads one message per line and writes exactly one compact JSON line
(Rasa's ``/model/parse`` shape) per input line to stdout, so that scripts can zip inputs
and outputs; anything else goes to stderr.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape

from myna.cli import chat
from myna.cli.common import ModelOpt, err_console, fail
from myna.model.artifact import ModelError, load_model
from myna.nlu.pipeline import Pipeline

app = typer.Typer(help="Chat with a trained model in the terminal.")
app.callback(invoke_without_command=True)(chat.shell)


@app.command("nlu")
def shell_nlu(model: ModelOpt = Path("models")) -> None:
    """Type messages and see the NLU parse result (piped: one JSON line per input line)."""
    try:
        loaded = load_model(model)
    except ModelError as error:
        fail(str(error))
    if loaded.nlu is None:
        fail(f"'{loaded.path}' has no NLU part: train one with `myna train nlu`")
    if _stdin_is_tty():
        _interactive(loaded.nlu, loaded.path, Console())
        return
    err_console.print(f"Parsing stdin with {escape(str(loaded.path))}", soft_wrap=True)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # undecodable bytes must not end the stream
    parse_lines(loaded.nlu, sys.stdin, sys.stdout)


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def parse_lines(pipeline: Pipeline, lines: Iterable[str], out: TextIO) -> None:
    """One compact JSON parse result per line of input, an empty line included."""
    # Raw UTF-8 where stdout takes it, \u escapes elsewhere: valid JSON either way.
    ascii_only = (out.encoding or "").lower().replace("-", "") != "utf8"
    for line in lines:
        text = line.removesuffix("\n").removesuffix("\r")
        result = pipeline.parse(text)
        out.write(json.dumps(result, ensure_ascii=ascii_only, separators=(",", ":")) + "\n")
        out.flush()


def _interactive(pipeline: Pipeline, model_file: Path, console: Console) -> None:
    console.print(f"NLU model loaded from {escape(str(model_file))}.", soft_wrap=True)
    console.print("Type a message and press Enter to parse it; Ctrl-D or Ctrl-C quits.")
    while True:
        try:
            text = console.input("[bold cyan]Next message:[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        console.print_json(data=pipeline.parse(text))
