"""The client book at the counter: clients, sales, outreach, the service desk, the card, Today."""
