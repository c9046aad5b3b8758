// Offline outbox: outcomes and notes logged with no signal wait in IndexedDB and replay with their idempotency key.
