"""The owner's tablet: huddles, reports, book health, segments, campaigns, events, staff, settings."""
