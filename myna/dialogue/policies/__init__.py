"""Dialogue policies; look them up by Rasa name through `myna.dialogue.policies.registry`."""
