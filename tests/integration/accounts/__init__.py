"""Sign-in, sessions, passwords, roles."""
