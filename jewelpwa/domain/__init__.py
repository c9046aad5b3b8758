"""Pure clienteling rules: no Flask, no SQLAlchemy, no I/O; today always comes in as `on`."""
