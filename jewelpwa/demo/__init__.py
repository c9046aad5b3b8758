"""The demo store (`flask demo seed`, `make run`'s first start), one module a job:

- `seed`: `seed_demo_store`, the public entry point: the store, its staff and loyalty tiers, the book (one
  commit), then its past;
- `catalogue`: the store's world as data (names, towns, products, prices, notes, seasons);
- `draw`: the one seeded rng, the draws every part makes with it, the clients held in memory;
- `story`: the whole book drawn in order, from `clients` (who they are), `sales` (what they bought) and
  `contact` (consent, wishes), then tiers and clocks;
- `writer`: the drawn book inserted in batches, as it stood the morning its past begins;
- `past`: that past (a year by default) lived through the real engine, so every report has figures;
- `simulate`: the day loop and outcome odds of that past, shared with bench/simulate_year.py;
- `rows`: insert-ready rows for clients, people, dates, purchases and items, shared with bench/generate.py.
"""
