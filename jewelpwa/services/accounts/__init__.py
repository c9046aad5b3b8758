"""Staff accounts: sign in, sessions, passwords; which store a name means."""
