"""Messages the store sends its clients: compose (compose.py), the outbox and its delivery (delivery.py),
the transports behind one interface (transports/), unsubscribe links (unsubscribe.py), provider callbacks."""
