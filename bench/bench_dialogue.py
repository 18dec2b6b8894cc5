"""Dialogue benchmark: `myna run` (embedded mode) over real HTTP on loopback.

Prints the time to ready, per-turn latency (p50/p99) of REST webhook turns that run no
custom action (greet/goodbye), throughput with concurrent conversations, and the server's
RSS. Without `--model` the golden bot (shared/golden/bot) is trained once into
.cache/bench-dialogue (later runs reuse it). Run with `make bench-dialogue`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from myna.model.training import train_model
from myna.project.loader import ProjectPaths

REPO = Path(__file__).resolve().parents[1]
GOLDEN_BOT = Path(os.environ.get("MYNA_SHARED_DIR", REPO.parent / "shared")) / "golden" / "bot"
MODELS = REPO / ".cache" / "bench-dialogue"
HOST = "127.0.0.1"
TEXTS = ("hello", "bye")  # utter_greet / utter_goodbye: no custom action
READY_TIMEOUT = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file or folder (default: golden bot)")
    parser.add_argument("--port", type=int, default=5099, help="loopback port to serve on")
    parser.add_argument("--warmup", type=int, default=30, help="turns before measuring")
    parser.add_argument("--turns", type=int, default=300, help="sequential turns timed")
    parser.add_argument("--conversations", type=int, default=50, help="concurrent ones")
    parser.add_argument("--turns-each", type=int, default=20, help="turns per conversation")
    return parser.parse_args()


def golden_model() -> Path:
    """The golden bot's models folder (`myna run` takes the newest), trained on first use."""
    if not any(MODELS.glob("*.tar.gz")):
        train_model(ProjectPaths.for_root(GOLDEN_BOT), MODELS)
    return MODELS


def start_server(model: Path, workdir: Path, port: int) -> subprocess.Popen[bytes]:
    (workdir / "endpoints.yml").write_text("")
    myna = Path(sys.executable).with_name("myna")
    command = [str(myna), "run", "--model", str(model.resolve()), "-i", HOST, "-p", str(port)]
    log = (workdir / "server.log").open("wb")
    return subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)


async def wait_ready(client: httpx.AsyncClient, process: subprocess.Popen[bytes]) -> float:
    """Seconds from now until the REST channel answers."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(f"myna run exited with {process.returncode} (see server.log)")
        try:
            if (await client.get("/webhooks/rest/")).is_success:
                return time.perf_counter() - started
        except httpx.TransportError:
            await asyncio.sleep(0.05)
    raise SystemExit(f"myna run not ready within {READY_TIMEOUT:g} s")


async def turn(client: httpx.AsyncClient, sender: str, index: int) -> float:
    """One webhook turn; its latency in seconds."""
    body = {"sender": sender, "message": TEXTS[index % len(TEXTS)]}
    started = time.perf_counter()
    response = await client.post("/webhooks/rest/webhook", json=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.json():
        raise SystemExit(f"turn {index} of {sender} failed: {response.status_code} {response.text}")
    return elapsed


async def latencies(client: httpx.AsyncClient, warmup: int, turns: int) -> list[float]:
    for index in range(warmup):
        await turn(client, "warmup", index)
    return [await turn(client, "sequential", index) for index in range(turns)]


async def throughput(
    client: httpx.AsyncClient, conversations: int, turns_each: int
) -> tuple[float, int]:
    """Turns per second with `conversations` running at once, each `turns_each` long, and
    how many turns failed at the transport level (counted, not retried)."""
    failures = 0

    async def conversation(number: int) -> None:
        nonlocal failures
        for index in range(turns_each):
            try:
                await turn(client, f"load-{number}", index)
            except httpx.TransportError:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(conversation(number) for number in range(conversations)))
    return conversations * turns_each / (time.perf_counter() - started), failures


def rss_mib(pid: int) -> tuple[float, float]:
    """Current and peak resident set size of `pid`, in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    now, peak = (int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
    return now, peak


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(args: argparse.Namespace, model: Path, workdir: Path) -> None:
    port = args.port
    process = start_server(model, workdir, port)
    limits = httpx.Limits(max_connections=args.conversations)
    base = f"http://{HOST}:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
            ready = await wait_ready(client, process)
            sequential = await latencies(client, args.warmup, args.turns)
            rate, failures = await throughput(client, args.conversations, args.turns_each)
        rss, peak = rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"model: {model}")
    print(f"time to ready: {ready:.2f} s (process start to first REST answer)")
    print(
        f"turn latency ({args.turns} sequential turns after {args.warmup} warm-up): "
        f"p50 {percentile(sequential, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(sequential, 0.99) * 1000:.1f} ms, "
        f"mean {statistics.fmean(sequential) * 1000:.1f} ms"
    )
    print(
        f"throughput: {rate:.1f} turns/s "
        f"({args.conversations} concurrent conversations x {args.turns_each} turns, "
        f"{failures} failed at the transport level)"
    )
    print(f"server RSS: {rss:.0f} MiB now, {peak:.0f} MiB peak")


def main() -> None:
    args = parse_args()
    model = args.model or golden_model()
    with tempfile.TemporaryDirectory(prefix="myna-bench-") as workdir:
        asyncio.run(measure(args, model, Path(workdir)))


if __name__ == "__main__":
    main()
