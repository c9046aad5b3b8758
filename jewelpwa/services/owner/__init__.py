"""The owner's tablet: huddles, reports, book health, segments, campaigns, events, assignment, staff and settings."""
