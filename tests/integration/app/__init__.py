"""The app as a whole: the schema its migrations make, the demo store."""
