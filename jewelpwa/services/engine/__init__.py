"""The clienteling engine: plan follow-ups, gate them, rank each associate's day. Imports nothing above itself."""
