"""The engine: planning, the day's lists, cleanings, the client filter."""
