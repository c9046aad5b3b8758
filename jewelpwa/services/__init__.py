"""Use cases named by verbs: check access, call the domain, commit once."""
