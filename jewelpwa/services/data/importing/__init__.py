"""CSV import of a point-of-sale export: clients (with their people and dates) and purchases.

Every row is validated before anything is written; one rejected row means nothing is written and the
report lists every problem with its line number. A clean file is written in one transaction. Re-importing
the same file changes nothing: clients are matched by client_number and purchases by receipt_number.
Follow-ups are not made here: the planner makes them from these dates and purchases when it plans the day.

One module a job, and nothing is re-exported here: import from the module that owns the name.

- `clients.import_clients`, `purchases.import_purchases`: the two entry points (CLI, Data page, job, bench);
- `report`: what an import returns (`ImportReport`, `RowError`, `PossibleDuplicate`);
- `reading`: the file read into rows of {field: cell}, the cell checks both files share, progress;
- `client_rows`, `purchase_rows`: one row of each file checked and turned into what is written;
- `client_writer`, `purchase_writer`: the book's current rows compared with the file, the changes collected;
- `writing`: the set-based inserts and updates both writers send.
"""
