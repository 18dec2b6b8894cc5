"""Data-parallel DIET training: two processes take the same steps as one, reproducibly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import SMALL
from diet_synthetic import dims, examples, make_dataset, schemes
from peer_targets import fail_on, sum_in_two

from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.model import DIETModel
from myna.nlu.diet.parallel import (
    PROCESSES_ENV,
    Peers,
    cgroup_cpu_quota,
    run_data_parallel,
    training_processes,
    usable_cores,
)
from myna.nlu.diet.trainer import train
from myna.nlu.diet.training_process import seed_everything

MESSAGES = make_dataset(45, seed=3)
SCHEMES = schemes(MESSAGES)


def _train(config: DIETConfig, processes: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv(PROCESSES_ENV, str(processes))
    model = train(config, dims(SCHEMES), examples(MESSAGES, SCHEMES), False)
    return model.state_dict()


def test_two_processes_take_the_steps_one_process_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    # No dropout and no intent head (its batch negatives are drawn from each process's
    # share): nothing random is left in a step, so the summed gradients of the two halves
    # must be the whole batch's. Batches of 7 split 4 + 3, so a share's weight in the sum
    # matters.
    config = DIETConfig(
        **{
            **SMALL,
            "epochs": 3,
            "batch_size": [7, 7],
            "drop_rate": 0.0,
            "intent_classification": False,
        }
    )
    one = _train(config, 1, monkeypatch)
    two = _train(config, 2, monkeypatch)
    first = one["sparse.embedding.weight"]
    assert (first - _initial_table(config)).abs().max() > 0.01  # the steps moved the table
    # The attention's key bias has a zero gradient in exact arithmetic (softmax ignores a
    # shift shared by a whole row of scores), and Adam turns rounding noise into full
    # steps; likewise a near-zero gradient can round to either side of the L2 term's
    # `> 0`. So: all but a few weights equal to 2e-5, none apart by more than 5e-4.
    size = config.transformer_size
    one["encoder.layers.0.attention.in_proj_bias"][size : 2 * size] = 0.0
    two["encoder.layers.0.attention.in_proj_bias"][size : 2 * size] = 0.0
    for name, weight in one.items():
        difference = (weight - two[name]).abs()
        assert float(difference.max()) < 5e-4, name
        assert float((difference > 2e-5).float().mean()) < 0.01, name


def _initial_table(config: DIETConfig) -> torch.Tensor:
    seed_everything(config.random_seed or 0)
    model = DIETModel(config, dims(SCHEMES))
    return model.sparse.embedding.weight.detach()


def test_two_process_training_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    config = DIETConfig(**{**SMALL, "epochs": 2, "drop_rate": 0.3})
    first = _train(config, 2, monkeypatch)
    second = _train(config, 2, monkeypatch)
    assert all(torch.equal(weight, second[name]) for name, weight in first.items())


SCRIPT = """
import sys
sys.path.insert(0, {folder!r})
from diet_synthetic import dims, examples, make_dataset, schemes
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.trainer import train
messages = make_dataset(30, seed=3)
tag_schemes = schemes(messages)
config = DIETConfig(epochs=1, transformer_size=32, number_of_transformer_layers=1)
train(config, dims(tag_schemes), examples(messages, tag_schemes), show_progress=False)
print("trained")
"""


def test_a_script_without_a_main_guard_trains_in_two_processes(tmp_path: Path) -> None:
    # multiprocessing's spawned processes would import the script again and train again.
    script = tmp_path / "train_script.py"
    script.write_text(SCRIPT.format(folder=str(Path(__file__).parent)))
    environment = {**os.environ, PROCESSES_ENV: "2"}
    done = subprocess.run(
        [sys.executable, str(script)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["trained"]


def test_a_failed_process_fails_the_run() -> None:
    with pytest.raises(RuntimeError, match="a training process failed"):
        run_data_parallel(2, fail_on, (1, False))
    with pytest.raises(RuntimeError):  # gloo: the peer closed its connection
        run_data_parallel(2, fail_on, (1, True))
    assert run_data_parallel(2, fail_on, (5, True)) == 0


def test_process_count_from_the_environment_or_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROCESSES_ENV, "3")
    assert training_processes(10) == 3
    monkeypatch.setenv(PROCESSES_ENV, "two")
    with pytest.raises(ValueError, match=PROCESSES_ENV):
        training_processes(10)
    monkeypatch.delenv(PROCESSES_ENV)
    assert training_processes(100) == 1  # too few examples to pay for a second process
    assert training_processes(10**6) == usable_cores()  # one per core, a CPU limit counted


def test_a_containers_cpu_limit_caps_the_cores(tmp_path: Path) -> None:
    affinity = len(os.sched_getaffinity(0))
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cgroup_cpu_quota(tmp_path) is None
    assert usable_cores(tmp_path) == affinity
    (tmp_path / "cpu.max").write_text("150000 100000\n")  # cgroup v2: 1.5 CPUs
    assert cgroup_cpu_quota(tmp_path) == 1.5
    assert usable_cores(tmp_path) == 1
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("400000\n")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cgroup_cpu_quota(v1) == 4.0
    assert usable_cores(v1) == min(affinity, 4)
    assert cgroup_cpu_quota(tmp_path / "absent") is None


def test_batches_are_dealt_in_snake_order() -> None:
    # A length-sorted batch: each round's longest goes to rank 0, then to rank 1, in turn.
    batch = list(range(7))
    assert Peers(0, 2).share(batch) == [0, 3, 4]
    assert Peers(1, 2).share(batch) == [1, 2, 5, 6]
    parts = [Peers(rank, 3).share(list(range(9))) for rank in range(3)]
    assert parts == [[0, 5, 6], [1, 4, 7], [2, 3, 8]]


def test_the_shared_sum_adds_every_process_vector() -> None:
    results = run_data_parallel(2, sum_in_two, ())
    assert results == [[1.0 + 10.0, 2.0 + 20.0, 3.0 + 30.0]] * 2
