"""briefbot: cited, extractive briefings from a local corpus of articles."""

__version__ = "0.1.0"
