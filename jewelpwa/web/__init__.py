"""The HTTP layer around the views: sessions, headers, errors, limits, the htmx render rule."""
