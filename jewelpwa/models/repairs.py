"""Repairs and services taken in at the counter (issue 8)."""

__all__: list[str] = []
