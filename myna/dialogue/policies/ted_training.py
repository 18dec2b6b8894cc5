"""Training half of TEDPolicy (torch; never imported to serve).

The registry's `POLICY_TRAINERS` maps `TEDPolicy` here. Training data: one example per
action of every story tracker — the last `max_history` states before the action (all of
them for `max_history: null`) and the action as label. Rule trackers are left out: the
RulePolicy owns rules, and at prediction time the ML view hides the turns of rules no story
contains (as Memoization does). The trained network is exported to ONNX and served by the
same `TEDPolicy` code a loaded model uses, so a just-trained policy predicts exactly like
the persisted one.

Reproducible: with `random_seed` set, python, numpy and torch are seeded and torch runs
deterministic algorithms, so two trainings give identical weights (same machine, threads).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from myna.dialogue.policies.ted import TEDConfig, TEDPolicy, open_session
from myna.dialogue.policies.ted_features import TEDVocabulary, collate
from myna.dialogue.policies.ted_model import TEDModel, export_onnx
from myna.dialogue.states import slice_history, training_states
from myna.dialogue.training_trackers import TrainingTracker
from myna.nlu.diet.trainer import format_metrics, label_order, progress_bar
from myna.nlu.diet.training_process import deterministic_torch, seed_everything
from myna.project.domain import Domain


@dataclass(frozen=True)
class TEDExample:
    """The feature rows [turns, width] before an action, and the action's label id."""

    dialogue: np.ndarray
    label: int


def training_examples(
    trackers: Sequence[TrainingTracker],
    domain: Domain,
    vocabulary: TEDVocabulary,
    max_history: int | None,
) -> list[TEDExample]:
    """One example per action (named in the vocabulary) of every story tracker."""
    examples = []
    for tracker in trackers:
        if tracker.is_rule:
            continue
        states, actions = training_states(tracker.events, domain)
        for index, action in enumerate(actions):
            label = vocabulary.action_ids.get(action.name or "")
            if label is not None:
                history = slice_history(states[: index + 1], max_history)
                examples.append(TEDExample(vocabulary.dialogue(history), label))
    return examples


def _tensors(
    examples: Sequence[TEDExample], width: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    features, mask = collate([example.dialogue for example in examples], width)
    labels = np.array([example.label for example in examples], dtype=np.int64)
    return torch.from_numpy(features), torch.from_numpy(mask), torch.from_numpy(labels)


def _train_epoch(
    model: TEDModel,
    optimizer: torch.optim.Optimizer,
    examples: Sequence[TEDExample],
    order: list[int],
    batch_size: int,
) -> dict[str, float]:
    model.train()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(order), batch_size):
        batch = [examples[i] for i in order[start : start + batch_size]]
        features, mask, labels = _tensors(batch, model.width)
        loss, right = model.loss(features, mask, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += float(loss.detach()) * len(batch)
        correct += right
    return {"loss": loss_sum / len(order), "acc": correct / len(order)}


def train_model(
    config: TEDConfig,
    vocabulary: TEDVocabulary,
    examples: Sequence[TEDExample],
    show_progress: bool = True,
) -> TEDModel:
    """Train TED on `examples`; return the model in eval mode."""
    if not examples:
        raise ValueError("TEDPolicy needs at least one story action to learn from")
    seed = config.random_seed
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    labels = [example.label for example in examples]
    with deterministic_torch():
        seed_everything(seed)
        rng = np.random.default_rng(seed)
        model = TEDModel(config, vocabulary)
        optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
        with progress_bar("TED", show_progress) as bar:
            task = bar.add_task("epochs", total=config.epochs, info="")
            for epoch in range(config.epochs):
                order = label_order(labels, config.batch_strategy, rng)
                metrics = _train_epoch(
                    model, optimizer, examples, order, config.batch_size_at(epoch)
                )
                bar.update(task, advance=1, info=format_metrics(metrics))
    model.eval()
    return model


class TEDPolicyTrainer(TEDPolicy):
    """TEDPolicy plus `train`; keeps the torch model for parity checks.

    Set `show_progress = False` to train without the progress bar.
    """

    show_progress: bool = True
    torch_model: TEDModel | None = None

    @property
    def name(self) -> str:
        """The serving class's name: models and predictions name the Rasa policy."""
        return TEDPolicy.__name__

    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        vocabulary = TEDVocabulary.from_domain(domain)
        examples = training_examples(trackers, domain, vocabulary, self.config.max_history)
        model = train_model(self.config, vocabulary, examples, self.show_progress)
        self.model = export_onnx(model, vocabulary.width)
        self.vocabulary = vocabulary
        self.session = open_session(self.model)
        self.torch_model = model

    @torch.no_grad()
    def torch_scores(self, features: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The torch model's scores [B, A] for graph inputs (parity with `scores`)."""
        if self.torch_model is None:
            raise ValueError("TEDPolicy has not been trained")
        return self.torch_model(torch.from_numpy(features), torch.from_numpy(mask)).numpy()
