"""The demo store (`flask demo seed`, `make run`'s first start), one module a job:

- `seed`: `seed_demo_store`, the public entry point: the store, its staff and loyalty tiers, the book, one commit;
- `catalogue`: the store's world as data (names, towns, products, prices, notes, seasons, outcome odds);
- `draw`: the one seeded rng, the draws every part makes with it, the clients held in memory;
- `story`: the whole book drawn in order, from `clients` (who they are), `sales` (what they bought) and
  `contact` (consent, outreach, wishes), then tiers and clocks;
- `writer`: the drawn book inserted in batches;
- `rows`: insert-ready rows for clients, people, dates, purchases and items, shared with bench/generate.py.
"""
