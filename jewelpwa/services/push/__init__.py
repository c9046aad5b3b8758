"""Web push: staff devices, the outbox, delivery, and what is worth a push."""
