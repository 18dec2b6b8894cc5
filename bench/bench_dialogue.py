"""Dialogue benchmark: `myna run` (embedded mode) over real HTTP on loopback.

Prints the time to ready, per-turn latency (p50/p99) of REST webhook turns that run no
custom action (greetings and goodbyes in varied wordings), throughput with concurrent
conversations, and the server's RSS and CPU time per turn. Conversations are
`--turns-each` turns long (a new sender after that), like real ones; the sequential
phase uses the same length. Without `--model` the golden bot (shared/golden/bot) is
trained once into .cache/bench-dialogue (later runs reuse it). The client is aiohttp,
whose per-request cost is a fraction of httpx's, so the figures are the server's. The
machine's speed drifts by tens of percent from minute to minute, so both phases run
`--rounds` times on the same server, and the median of the rounds is printed after
each round's figures. Run with `make bench-dialogue`.
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
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from myna.model.training import train_model
from myna.project.loader import ProjectPaths

REPO = Path(__file__).resolve().parents[1]
GOLDEN_BOT = Path(os.environ.get("MYNA_SHARED_DIR", REPO.parent / "shared")) / "golden" / "bot"
MODELS = REPO / ".cache" / "bench-dialogue"
HOST = "127.0.0.1"
# Greetings and goodbyes (utter_greet / utter_goodbye: no custom action), alternating, in
# wordings partly unlike the training examples, so the NLU does real work on every turn.
GREETINGS = ("hello", "hi there friend", "hey, good morning", "hello bot how are you", "hey hey")
GOODBYES = ("bye", "goodbye for now", "see you later then", "bye bye bot", "talk to you soon")
READY_TIMEOUT = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file or folder (default: golden bot)")
    parser.add_argument("--port", type=int, default=5099, help="loopback port to serve on")
    parser.add_argument("--warmup", type=int, default=30, help="turns before measuring")
    parser.add_argument("--turns", type=int, default=300, help="sequential turns timed")
    parser.add_argument("--conversations", type=int, default=50, help="concurrent ones")
    parser.add_argument("--turns-each", type=int, default=20, help="turns per conversation")
    parser.add_argument(
        "--rounds", type=int, default=3, help="sequential + concurrent phases, medians printed"
    )
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


async def wait_ready(session: aiohttp.ClientSession, process: subprocess.Popen[bytes]) -> float:
    """Seconds from now until the REST channel answers."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(f"myna run exited with {process.returncode} (see server.log)")
        try:
            async with session.get("/webhooks/rest/") as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise SystemExit(f"myna run not ready within {READY_TIMEOUT:g} s")


async def turn(session: aiohttp.ClientSession, sender: str, index: int) -> float:
    """One webhook turn; its latency in seconds."""
    texts = GOODBYES if index % 2 else GREETINGS
    body = {"sender": sender, "message": texts[(index // 2) % len(texts)]}
    started = time.perf_counter()
    async with session.post("/webhooks/rest/webhook", json=body) as response:
        replies = await response.json()
    elapsed = time.perf_counter() - started
    if response.status != 200 or not replies:
        raise SystemExit(f"turn {index} of {sender} failed: {response.status} {replies}")
    return elapsed


async def latencies(
    session: aiohttp.ClientSession, prefix: str, turns: int, turns_each: int
) -> list[float]:
    return [await turn(session, f"{prefix}-{index // turns_each}", index) for index in range(turns)]


async def throughput(
    session: aiohttp.ClientSession, prefix: str, conversations: int, turns_each: int
) -> tuple[float, int]:
    """Turns per second with `conversations` running at once, each `turns_each` long, and
    how many turns failed at the transport level (counted, not retried)."""
    failures = 0

    async def conversation(number: int) -> None:
        nonlocal failures
        for index in range(turns_each):
            try:
                await turn(session, f"{prefix}-{number}", index)
            except aiohttp.ClientError:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(conversation(number) for number in range(conversations)))
    return conversations * turns_each / (time.perf_counter() - started), failures


def cpu_seconds(pid: int) -> float:
    """User + system CPU time `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


@dataclass
class Round:
    """One sequential phase and one concurrent phase."""

    sequential: list[float]
    cpu_per_turn: float
    rate: float
    failures: int

    @property
    def p50(self) -> float:
        return percentile(self.sequential, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.sequential, 0.99)


async def one_round(
    session: aiohttp.ClientSession, args: argparse.Namespace, pid: int, number: int
) -> Round:
    cpu_before = cpu_seconds(pid)
    sequential = await latencies(session, f"sequential{number}", args.turns, args.turns_each)
    cpu_per_turn = (cpu_seconds(pid) - cpu_before) / args.turns
    rate, failures = await throughput(session, f"load{number}", args.conversations, args.turns_each)
    return Round(sequential, cpu_per_turn, rate, failures)


async def measure(args: argparse.Namespace, model: Path, workdir: Path) -> None:
    port = args.port
    process = start_server(model, workdir, port)
    connector = aiohttp.TCPConnector(limit=args.conversations)
    timeout = aiohttp.ClientTimeout(total=120)
    base = f"http://{HOST}:{port}"
    try:
        async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:
            ready = await wait_ready(session, process)
            await latencies(session, "warmup", args.warmup, args.turns_each)
            rounds = [
                await one_round(session, args, process.pid, number) for number in range(args.rounds)
            ]
        rss, peak = rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"model: {model}")
    print(f"load average before: {args.load_before}")
    print(f"time to ready: {ready:.2f} s (process start to first REST answer)")
    print(
        f"each round: {args.turns} sequential turns (after {args.warmup} warm-up turns once), "
        f"then {args.conversations} concurrent conversations; conversations of "
        f"{args.turns_each} turns"
    )
    for number, result in enumerate(rounds, 1):
        print(
            f"  round {number}: p50 {result.p50 * 1000:.2f} ms, p99 {result.p99 * 1000:.2f} ms, "
            f"mean {statistics.fmean(result.sequential) * 1000:.2f} ms, "
            f"server CPU {result.cpu_per_turn * 1000:.2f} ms per sequential turn; "
            f"{result.rate:.1f} turns/s concurrent ({result.failures} failed at the transport "
            "level)"
        )
    print(
        f"turn latency, median of {len(rounds)} rounds: "
        f"p50 {statistics.median(r.p50 for r in rounds) * 1000:.2f} ms, "
        f"p99 {statistics.median(r.p99 for r in rounds) * 1000:.2f} ms"
    )
    print(
        f"throughput, median of {len(rounds)} rounds: "
        f"{statistics.median(r.rate for r in rounds):.1f} turns/s "
        f"({sum(r.failures for r in rounds)} failed in all)"
    )
    print(f"server RSS: {rss:.0f} MiB now, {peak:.0f} MiB peak")


def main() -> None:
    args = parse_args()
    args.load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    model = args.model or golden_model()
    with tempfile.TemporaryDirectory(prefix="myna-bench-") as workdir:
        asyncio.run(measure(args, model, Path(workdir)))


if __name__ == "__main__":
    main()
