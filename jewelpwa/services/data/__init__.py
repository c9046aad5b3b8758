"""Data in and out: import, column mapping, import runs, exports, privacy, the calendar feed."""
