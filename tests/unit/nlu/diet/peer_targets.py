"""Targets for `run_data_parallel` in tests: a module of its own, importable by a peer
process without the test module's imports (a peer resolves `conftest` by sys.path)."""

import torch

from myna.nlu.diet.parallel import Peers, SharedSum


def fail_on(peers: Peers, rank: int, meet: bool) -> int:
    """Fail on `rank`; elsewhere, if `meet`, take part in one collective first."""
    if peers.rank == rank:
        raise ValueError("this process fails")
    if meet:
        peers.sum_(torch.ones(1))
    return peers.rank


def sum_in_two(peers: Peers) -> list[list[float]]:
    """Sums 3 values over two processes twice (capacity 5; in two parts the first time);
    returns both sums."""
    assert peers.folder is not None
    shared = SharedSum(peers, peers.folder / "sum", capacity=5)
    scale = 1.0 if peers.rank == 0 else 10.0
    first = shared([torch.tensor([1.0, 2.0]) * scale, torch.tensor([3.0]) * scale]).tolist()
    second = shared([torch.tensor([1.0, 2.0, 3.0]) * scale]).tolist()
    return [first, second]
