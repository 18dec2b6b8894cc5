"""TEDPolicy: torch training, ONNX serving parity, accuracy on stories, persistence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from shared_paths import REPO_ROOT, shared_dir

from myna.dialogue.policies.registry import lookup, lookup_trainer
from myna.dialogue.policies.ted import TEDConfig, TEDPolicy
from myna.dialogue.policies.ted_features import collate
from myna.dialogue.policies.ted_training import TEDPolicyTrainer, training_examples
from myna.dialogue.training_trackers import TrainingTracker, training_trackers
from myna.events import ActionExecuted, SlotSet, UserUttered
from myna.project.domain import Domain
from myna.project.loader import ProjectPaths, load_project
from myna.tracker import Tracker

torch.set_num_threads(1)
SMALL = {"batch_size": [8, 32], "random_seed": 1}


def _project(root: Path) -> tuple[Domain, list[TrainingTracker]]:
    project = load_project(ProjectPaths.for_root(root)).project
    return project.domain, training_trackers(project.training.stories, project.domain)


def _trained(
    domain: Domain, trackers: list[TrainingTracker], **options: object
) -> TEDPolicyTrainer:
    policy = TEDPolicyTrainer(TEDConfig.model_validate({**SMALL, **options}))
    policy.show_progress = False
    policy.train(trackers, domain)
    return policy


@pytest.fixture(scope="module")
def restaurant() -> tuple[Domain, list[TrainingTracker]]:
    return _project(REPO_ROOT / "examples" / "restaurant")


@pytest.fixture(scope="module")
def trained(restaurant: tuple[Domain, list[TrainingTracker]]) -> TEDPolicyTrainer:
    return _trained(*restaurant, max_history=5, epochs=60)


def _conversation(domain: Domain, intent: str, *extra: object) -> Tracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered(text="hi", parse_data={"intent": {"name": intent, "confidence": 1.0}}),
        *extra,
    ]
    return Tracker("ted-test", domain.slot_initial_values(), events)


def test_registry_splits_serving_and_training() -> None:
    assert lookup("TEDPolicy") is TEDPolicy
    assert lookup_trainer("TEDPolicy") is TEDPolicyTrainer
    assert lookup_trainer("RulePolicy") is lookup("RulePolicy")


def test_predicts_the_next_story_action(
    trained: TEDPolicyTrainer, restaurant: tuple[Domain, list[TrainingTracker]]
) -> None:
    domain, trackers = restaurant
    assert trained.vocabulary is not None
    examples = training_examples(trackers, domain, trained.vocabulary, 5)
    width = trained.vocabulary.width
    hits = sum(
        int(trained.scores(*collate([example.dialogue], width)).argmax()) == example.label
        for example in examples
    )
    assert hits / len(examples) >= 0.9


def test_onnx_matches_torch(
    trained: TEDPolicyTrainer, restaurant: tuple[Domain, list[TrainingTracker]]
) -> None:
    domain, trackers = restaurant
    assert trained.vocabulary is not None
    examples = training_examples(trackers, domain, trained.vocabulary, 5)
    batch = collate([example.dialogue for example in examples[:12]], trained.vocabulary.width)
    assert np.abs(trained.scores(*batch) - trained.torch_scores(*batch)).max() < 1e-4
    for tracker in (_conversation(domain, "greet"), _conversation(domain, "book_restaurant")):
        single = trained.features(tracker, domain)
        assert np.abs(trained.scores(*single) - trained.torch_scores(*single)).max() < 1e-4


def test_persist_load_predicts_the_same(trained: TEDPolicyTrainer, tmp_path: Path) -> None:
    domain = load_project(
        ProjectPaths.for_root(REPO_ROOT / "examples" / "restaurant")
    ).project.domain
    trained.persist(tmp_path)
    loaded = TEDPolicy.load(tmp_path, trained.config)
    tracker = _conversation(domain, "greet")
    prediction = loaded.predict(tracker, domain)
    assert prediction.probabilities == trained.predict(tracker, domain).probabilities
    assert domain.action_names[prediction.action_index] == "utter_greet"
    assert (prediction.policy_name, prediction.policy_priority) == ("TEDPolicy", 1)


def test_unknown_intents_and_slots_do_not_crash(
    trained: TEDPolicyTrainer, restaurant: tuple[Domain, list[TrainingTracker]]
) -> None:
    domain = restaurant[0]
    tracker = _conversation(domain, "never_seen", SlotSet("no_such_slot", 3))
    prediction = trained.predict(tracker, domain)
    assert len(prediction.probabilities) == len(domain.action_names)
    assert abs(sum(prediction.probabilities) - 1.0) < 1e-4


def test_seeded_training_is_reproducible() -> None:
    domain, trackers = _project(shared_dir() / "golden" / "bot")
    first, second = (_trained(domain, trackers, max_history=5, epochs=2) for _ in range(2))
    assert first.model == second.model


def test_unbounded_history_is_causal_and_exports(
    restaurant: tuple[Domain, list[TrainingTracker]],
) -> None:
    domain, trackers = restaurant
    policy = _trained(domain, trackers, epochs=1)
    assert policy.torch_model is not None and policy.torch_model.encoder.causal
    assert policy.vocabulary is not None
    examples = training_examples(trackers, domain, policy.vocabulary, None)
    batch = collate([example.dialogue for example in examples[-6:]], policy.vocabulary.width)
    assert batch[0].shape[1] > 5
    assert np.abs(policy.scores(*batch) - policy.torch_scores(*batch)).max() < 1e-4


_SERVE = """
import sys
from pathlib import Path
from myna.dialogue.policies.registry import lookup
from myna.dialogue.policies.ted import TEDConfig
from myna.events import ActionExecuted, UserUttered
from myna.project.loader import ProjectPaths, load_project
from myna.tracker import Tracker

domain = load_project(ProjectPaths.for_root(Path(sys.argv[2]))).project.domain
policy = lookup("TEDPolicy").load(Path(sys.argv[1]), TEDConfig(max_history=5))
user = UserUttered(text="hi", parse_data={"intent": {"name": "greet"}})
tracker = Tracker("s", domain.slot_initial_values(), [ActionExecuted("action_listen"), user])
policy.predict(tracker, domain)
print("torch" in sys.modules)
"""


def test_serving_imports_no_torch(trained: TEDPolicyTrainer, tmp_path: Path) -> None:
    trained.persist(tmp_path)
    root = REPO_ROOT / "examples" / "restaurant"
    result = subprocess.run(
        [sys.executable, "-c", _SERVE, str(tmp_path), str(root)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    assert result.stdout.strip() == "False"
