"""Data in and out: import, export, privacy, the calendar feed."""
