"""Targets for `run_data_parallel` in tests: a module of its own, importable by a peer
process without the test module's imports (a peer resolves `conftest` by sys.path)."""

import torch

from myna.nlu.diet.parallel import Peers


def fail_on(peers: Peers, rank: int, meet: bool) -> int:
    """Fail on `rank`; elsewhere, if `meet`, take part in one collective first."""
    if peers.rank == rank:
        raise ValueError("this process fails")
    if meet:
        peers.sum_(torch.ones(1))
    return peers.rank
