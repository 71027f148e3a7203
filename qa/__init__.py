"""Question answering over stored budget facts, and the `python -m qa` command line."""
