"""Share links, trade-up policy and loyalty tiers (issue 8)."""

__all__: list[str] = []
