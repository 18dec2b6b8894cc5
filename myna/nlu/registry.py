"""The one place that maps Rasa component names (config.yml ``name:``) to Myna classes.

Entries are ``"module:Class"`` strings imported only when looked up, so importing this
module pulls in no component code (and with it neither torch nor scikit-learn). Adding a
component = one class file + one line here + its test.
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
}

# Rasa components Myna deliberately does not provide, with what to use instead.
UNSUPPORTED_COMPONENTS: dict[str, str] = {
    "SpacyNLP": "remove it; Myna needs no language model component",
    "SpacyTokenizer": "use WhitespaceTokenizer",
    "SpacyFeaturizer": "use LanguageModelFeaturizer for pre-trained embeddings",
    "SpacyEntityExtractor": "use DIETClassifier or RegexEntityExtractor",
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
    module_name, _, class_name = NLU_COMPONENTS[name].partition(":")
    component: type[Component] = getattr(importlib.import_module(module_name), class_name)
    return component
