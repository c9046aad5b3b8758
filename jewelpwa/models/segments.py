"""Saved segments, campaigns and calendar feeds (issue 7)."""

__all__: list[str] = []
