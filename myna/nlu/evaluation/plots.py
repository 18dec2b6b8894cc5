"""The two pictures every evaluation draws: a confusion matrix and a confidence histogram.

Figures are built on matplotlib's object API with the Agg canvas, so nothing touches
pyplot's global state or needs a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Up to this many labels every non-zero cell shows its count; beyond it the digits
# would no longer fit and the colour alone tells the story.
ANNOTATE_LIMIT = 40
MAX_LABEL_CHARS = 40
HISTOGRAM_BINS = np.linspace(0.0, 1.0, 21)
CORRECT_COLOUR = "#2a9d8f"
WRONG_COLOUR = "#e76f51"


def plot_confusion_matrix(
    matrix: np.ndarray, labels: Sequence[str], title: str, path: Path
) -> None:
    """Rows are true labels, columns predictions; colour is the row-normalised share."""
    count = len(labels)
    side = min(max(6.0, 0.38 * count + 4.0), 40.0)
    font_size = 10.0 if count <= 15 else max(5.0, 10.0 - (count - 15) * 0.12)
    figure = Figure(figsize=(side, side), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shares = _row_shares(matrix)
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    colour_bar = figure.colorbar(image, ax=axes, fraction=0.046, pad=0.02)
    colour_bar.set_label("share of the true label's examples")
    short = [_shorten(label) for label in labels]
    axes.set_xticks(range(count), labels=short, rotation=90, fontsize=font_size)
    axes.set_yticks(range(count), labels=short, fontsize=font_size)
    axes.set_xlabel("Predicted label")
    axes.set_ylabel("True label")
    axes.set_title(title)
    if count <= ANNOTATE_LIMIT:
        for row, column in zip(*np.nonzero(matrix), strict=True):
            axes.text(
                column,
                row,
                str(int(matrix[row, column])),
                ha="center",
                va="center",
                fontsize=font_size * 0.9,
                color="white" if shares[row, column] > 0.5 else "black",
            )
    figure.savefig(path, dpi=100)


def plot_confidence_histogram(
    correct: Sequence[float], wrong: Sequence[float], title: str, path: Path
) -> None:
    """Back-to-back horizontal histograms of prediction confidences, right vs wrong,
    on one count scale."""
    counts = [np.histogram(np.clip(v, 0.0, 1.0), bins=HISTOGRAM_BINS)[0] for v in (correct, wrong)]
    top = max(1, *(int(c.max()) for c in counts)) * 1.05
    figure = Figure(figsize=(10.0, 6.0), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, sharey=True)
    panels = (
        (left, counts[0], f"Correct predictions ({len(correct)})", CORRECT_COLOUR, (top, 0)),
        (right, counts[1], f"Wrong predictions ({len(wrong)})", WRONG_COLOUR, (0, top)),
    )
    for axes, bin_counts, name, colour, limits in panels:
        axes.barh(HISTOGRAM_BINS[:-1], bin_counts, height=0.05, align="edge", color=colour)
        axes.set_title(name)
        axes.set_xlabel("Number of samples")
        axes.set_xlim(*limits)
        axes.set_ylim(0.0, 1.0)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="x", alpha=0.3)
    left.set_ylabel("Confidence")
    figure.suptitle(title)
    figure.savefig(path, dpi=100)


def _row_shares(matrix: np.ndarray) -> np.ndarray:
    totals = matrix.sum(axis=1, keepdims=True).astype(float)
    shares = np.zeros(matrix.shape, dtype=float)
    np.divide(matrix, totals, out=shares, where=totals > 0)
    return shares


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"
