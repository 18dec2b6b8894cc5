"""The one place that maps Rasa component names (config.yml ``name:``) to Myna classes.

Entries are ``"module:Class"`` strings imported only when looked up, so importing this
module pulls in no component code (and with it neither torch nor scikit-learn). Adding a
component = one class file + one line here + its test.

A component whose training needs heavy libraries (torch, transformers) splits in two: the
serving class in ``NLU_COMPONENTS`` and, in ``NLU_TRAINERS``, a subclass that only adds
``train()`` and reports the serving class's ``name``. ``lookup_trainer`` is for building
a pipeline to train, ``lookup`` for loading a trained one.
"""

from __future__ import annotations

import importlib

from myna.nlu.component import Component, did_you_mean

NLU_COMPONENTS: dict[str, str] = {
    "WhitespaceTokenizer": "myna.nlu.tokenizers.whitespace:WhitespaceTokenizer",
    "JiebaTokenizer": "myna.nlu.tokenizers.jieba:JiebaTokenizer",
    "CountVectorsFeaturizer": "myna.nlu.featurizers.count_vectors:CountVectorsFeaturizer",
    "RegexFeaturizer": "myna.nlu.featurizers.regex:RegexFeaturizer",
    "LexicalSyntacticFeaturizer": "myna.nlu.featurizers.lexical:LexicalSyntacticFeaturizer",
    "EntitySynonymMapper": "myna.nlu.extractors.synonyms:EntitySynonymMapper",
    "RegexEntityExtractor": "myna.nlu.extractors.regex_entities:RegexEntityExtractor",
    "KeywordIntentClassifier": "myna.nlu.classifiers.keyword:KeywordIntentClassifier",
    "FallbackClassifier": "myna.nlu.classifiers.fallback:FallbackClassifier",
    "LanguageModelFeaturizer": "myna.nlu.featurizers.language_model:LanguageModelFeaturizer",
    "DucklingEntityExtractor": "myna.nlu.extractors.duckling:DucklingEntityExtractor",
    "DIETClassifier": "myna.nlu.classifiers.diet_classifier:DIETClassifier",
    "ResponseSelector": "myna.nlu.selectors.response_selector:ResponseSelector",
}

# Training-time subclasses of the NLU_COMPONENTS entry of the same name.
NLU_TRAINERS: dict[str, str] = {
    "LanguageModelFeaturizer": "myna.nlu.featurizers.language_model_export:LanguageModelTrainer",
    "DIETClassifier": "myna.nlu.classifiers.diet_training:DIETClassifierTrainer",
    "ResponseSelector": "myna.nlu.classifiers.diet_training:ResponseSelectorTrainer",
    "CountVectorsFeaturizer": "myna.nlu.featurizers.count_vectors_trainer:CountVectorsTrainer",
}

# Rasa components Myna deliberately does not provide, with what to use instead.
UNSUPPORTED_COMPONENTS: dict[str, str] = {
    "SpacyNLP": "remove it; Myna needs no language model component",
    "SpacyTokenizer": "use WhitespaceTokenizer",
    "SpacyFeaturizer": "use LanguageModelFeaturizer for pre-trained embeddings",
    "SpacyEntityExtractor": (
        "use DIETClassifier or RegexEntityExtractor, and DucklingEntityExtractor for "
        "dates, numbers and amounts"
    ),
    "MitieNLP": "remove it; Myna needs no language model component",
    "MitieTokenizer": "use WhitespaceTokenizer",
    "MitieFeaturizer": "use LanguageModelFeaturizer for pre-trained embeddings",
    "MitieEntityExtractor": "use DIETClassifier",
    "MitieIntentClassifier": "use DIETClassifier",
    "ConveRTFeaturizer": "use LanguageModelFeaturizer",
    "HFTransformersNLP": "use LanguageModelFeaturizer",
    "LanguageModelTokenizer": "use WhitespaceTokenizer",
    "CRFEntityExtractor": "use DIETClassifier with intent_classification: false",
    "SklearnIntentClassifier": "use DIETClassifier",
    "LogisticRegressionClassifier": "use DIETClassifier",
}


class UnknownComponentError(LookupError):
    """A component name that is neither a Myna component nor a known Rasa one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.known = sorted(NLU_COMPONENTS)
        super().__init__(
            f"unknown NLU component '{name}'{did_you_mean(name, self.known)}; "
            f"known components: {', '.join(self.known)}"
        )


class UnsupportedComponentError(LookupError):
    """A Rasa component Myna knows of but does not provide."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.alternative = UNSUPPORTED_COMPONENTS[name]
        super().__init__(f"NLU component '{name}' is not supported by Myna: {self.alternative}")


def known_names() -> list[str]:
    return sorted(NLU_COMPONENTS)


def lookup(name: str) -> type[Component]:
    """The class registered under ``name``, imported now."""
    if name in UNSUPPORTED_COMPONENTS:
        raise UnsupportedComponentError(name)
    if name not in NLU_COMPONENTS:
        raise UnknownComponentError(name)
    return _import(NLU_COMPONENTS[name])


def lookup_trainer(name: str) -> type[Component]:
    """The class that trains ``name``: its ``NLU_TRAINERS`` entry, else ``lookup(name)``."""
    if name in NLU_TRAINERS:
        return _import(NLU_TRAINERS[name])
    return lookup(name)


def _import(entry: str) -> type[Component]:
    module_name, _, class_name = entry.partition(":")
    component: type[Component] = getattr(importlib.import_module(module_name), class_name)
    return component
