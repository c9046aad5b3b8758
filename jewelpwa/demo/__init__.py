"""The demo store: a realistic book with a past, seeded on first start."""
