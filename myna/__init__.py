"""Myna: a cloud-native conversational AI platform compatible with Rasa 3.x projects."""

__version__ = "0.1.0"

# The Rasa version whose formats and protocols Myna speaks (reported by /version).
RASA_COMPATIBILITY = "3.6.21"
