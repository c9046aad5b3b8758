"""The client book at the counter: clients, people, sales, outreach, the service desk, the card, search and Today."""
