"""Train bots and run `myna run` as a real process on loopback for the end-to-end tests.

Free ports and the rasa_sdk action server come from tests/integration/actions
(`action_servers`, `test_rasa_sdk_compat`); this module adds what only the end-to-end
tests need: a quickly trained model and a `myna run` subprocess answering on `/status`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from action_servers import LOOPBACK, free_port
from shared_paths import golden_dir

from myna.model.training import train_model
from myna.project.loader import ProjectPaths

MYNA = Path(sys.executable).with_name("myna")
# Training epochs for the end-to-end tests: well under the configured ones, so the suite
# stays fast. The restaurant bot's DIET and ResponseSelector keep their 100: at 40, DIET
# misses booking texts, and with some (unseeded) initialisations the ResponseSelector has
# not yet separated two faq answers, so even training texts get the other one.
FAST_EPOCHS = 40
STARTUP_SECONDS = 120.0
NOT_PROJECT_FILES = shutil.ignore_patterns("actions", "models", "tests", "*.db", "__pycache__")


def train_fast(project: Path, workdir: Path, keep: frozenset[str] = frozenset()) -> Path:
    """Train a copy of `project` with at most FAST_EPOCHS per component (except those
    named in `keep`); the model file."""
    copy = workdir / project.name
    shutil.copytree(project, copy, ignore=NOT_PROJECT_FILES)
    config_file = copy / "config.yml"
    config = yaml.safe_load(config_file.read_text())
    for component in [*config.get("pipeline", []), *config.get("policies", [])]:
        if "epochs" in component and component["name"] not in keep:
            component["epochs"] = min(component["epochs"], FAST_EPOCHS)
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    return train_model(ProjectPaths.for_root(copy), workdir / "models").model_file


def recorded(name: str) -> Any:
    """A Rasa 3.6 recording of shared/golden: `[status, body]` or a list of turns."""
    return json.loads((golden_dir() / f"{name}.json").read_text())


def write_endpoints(directory: Path, action_port: int | None) -> Path:
    """An endpoints.yml naming the action server on `action_port` (or none)."""
    path = directory / "endpoints.yml"
    text = f'action_endpoint:\n  url: "http://{LOOPBACK}:{action_port}/webhook"\n'
    path.write_text(text if action_port else "")
    return path


@dataclass(frozen=True, slots=True)
class Myna:
    """A running `myna run`: its base URL, the API token, and the process."""

    url: str
    token: str | None
    process: subprocess.Popen[bytes]

    def params(self, **extra: Any) -> dict[str, Any]:
        return {**({"token": self.token} if self.token else {}), **extra}

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One REST channel turn; the replies."""
        body = {"sender": sender, "message": text}
        response = httpx.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, include_events: str = "ALL") -> dict[str, Any]:
        params = self.params(include_events=include_events)
        response = httpx.get(f"{self.url}/conversations/{sender}/tracker", params=params)
        response.raise_for_status()
        return response.json()


@contextmanager
def myna_run(
    model: Path, cwd: Path, options: Sequence[str] = (), token: str | None = None
) -> Iterator[Myna]:
    """`myna run --enable-api` on a free loopback port, in `cwd`, until `/status` answers."""
    port = free_port()
    command = [str(MYNA), "run", "--model", str(model), "--enable-api"]
    command += ["-i", LOOPBACK, "-p", str(port), *options]
    command += ["--auth-token", token] if token else []
    log = cwd / f"myna-{port}.log"
    with log.open("wb") as output:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
    server = Myna(f"http://{LOOPBACK}:{port}", token, process)
    try:
        _wait_for_status(server, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_status(server: Myna, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"myna run exited ({server.process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{server.url}/status", params=server.params(), timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"myna run did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")
