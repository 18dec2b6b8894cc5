"""Tokenizers: split a message's text into tokens with exact character offsets."""
