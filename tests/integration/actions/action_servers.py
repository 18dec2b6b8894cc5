"""Start and stop action servers for the integration tests (real processes, loopback ports)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from myna.project.endpoints import EndpointConfig
from myna.project.errors import Source

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def endpoint(port: int, **options: object) -> EndpointConfig:
    source = Source("endpoints.yml", 1)
    return EndpointConfig(source=source, url=f"http://{LOOPBACK}:{port}/webhook", **options)


@contextmanager
def serving(command: Sequence[str], cwd: Path, port: int, startup: float) -> Iterator[None]:
    """Run `command` in `cwd` until `GET /health` on `port` answers; stop it afterwards."""
    log = cwd / "server.log"
    env = {**os.environ, "SANIC_HOST": LOOPBACK, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
    try:
        _wait_for_health(process, port, startup, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_health(
    process: subprocess.Popen[bytes], port: int, startup: float, log: Path
) -> None:
    deadline = time.monotonic() + startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the action server exited ({process.returncode}):\n{log.read_text()}"
            )
        try:
            if httpx.get(f"http://{LOOPBACK}:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the action server did not start in {startup} s:\n{log.read_text()}")
