"""PostgreSQL settings for one transaction (big reads: a report, a plan; pattern searches); nothing on SQLite."""

from __future__ import annotations

from sqlalchemy import text

from ..database import commit_keeping_loaded
from ..extensions import db


def for_big_reads(work_mem: str) -> None:
    """SET LOCAL jit off and a bigger work_mem until this transaction ends.

    JIT compiling pays off for queries that run for minutes, not for ours: at 50k clients it took 12 of book
    health's coverage query's 62 ms. The default 4 MB work_mem made per-client sorts and hashes spill to disk
    (book health's purchase totals; the planner's latest piece per client, 1.5M rows at 1M clients).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text(f"SET LOCAL work_mem = '{work_mem}'"))



def plan_for_these_values() -> None:
    """Plans made for this transaction's own values, costed for a book that is in memory, until it ends.

    psycopg prepares a statement on the server once a connection has run it five times, and PostgreSQL then
    settles on one generic plan for it, made without the values. For a search that plan cannot know that
    `LIKE 'smi%'` is an index range or that `LIKE '% smi%'` is rare enough for the trigram index, and at 50,000
    clients it read the store's rows instead: 30-60 ms a name search against 3-15 ms planned for its values
    (force_custom_plan: the statements stay prepared, only the plan is made each time). The default
    random_page_cost (4) prices a page read from a spinning disk; a client book's pages are in memory or on SSD
    (1.1 is the usual setting there), and at 4 a trigram search's bitmap of 2,500 rows lost to reading all
    50,000 rows by a hair of the estimate.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # One round trip for both (set_config(..., true) is SET LOCAL).
        db.session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                                "set_config('random_page_cost', '1.1', true)"))


def done_with_these_values() -> None:
    """End the transaction plan_for_these_values began for a read with a COMMIT (it wrote nothing), so the settings
    end with it. Not a ROLLBACK: psycopg forgets every statement prepared on the connection at a rollback, and the
    next request would plan each of its statements afresh. The rest of the request reads in autocommit again
    (database.py)."""
    session = db.session()
    if session.get_bind().dialect.name == "postgresql" and session.in_transaction():
        commit_keeping_loaded(session)
