"""Import mappings and import jobs (issue 7)."""

__all__: list[str] = []
