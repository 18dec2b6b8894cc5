"""NLU evaluation: ``rasa test nlu``'s reports, pictures and cross-validation.

Training-side only (scikit-learn, matplotlib); the serving images never import it.
"""

from myna.nlu.evaluation.entities import EntityEvaluation, EntityScores, evaluate_entities
from myna.nlu.evaluation.intents import evaluate_intents
from myna.nlu.evaluation.reports import LabelEvaluation
from myna.nlu.evaluation.responses import evaluate_responses
from myna.nlu.evaluation.runner import (
    Parser,
    cross_validate,
    evaluate,
    evaluate_results,
    stratified_folds,
)
from myna.nlu.evaluation.summary import (
    CrossValidationSummary,
    EvaluationSummary,
    FoldScores,
    Scores,
)
from myna.nlu.evaluation.tables import cross_validation_table, report_table, summary_table

__all__ = [
    "CrossValidationSummary",
    "EntityEvaluation",
    "EntityScores",
    "EvaluationSummary",
    "FoldScores",
    "LabelEvaluation",
    "Parser",
    "Scores",
    "cross_validate",
    "cross_validation_table",
    "evaluate",
    "evaluate_entities",
    "evaluate_intents",
    "evaluate_responses",
    "evaluate_results",
    "report_table",
    "stratified_folds",
    "summary_table",
]
