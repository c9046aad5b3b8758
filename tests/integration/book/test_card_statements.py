"""The card's cost stays put: a bounded number of statements and one connection, however much a client has.

Counts, not times (speed goals live in bench/: bench/route_cost.py measures the same on a 50,000-client book).
A card that read each purchase, person or call with a statement of its own would be fine in a test and slow at
the counter for the clients who matter most: those with the longest history."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event

from jewelpwa.clock import utcnow
from jewelpwa.extensions import db
from jewelpwa.models import ConsentEvent, Outreach, Purchase, PurchaseItem, Referral, WishItem

from ..conftest import make_user
from ..factories import add_date, add_person, make_client
from .test_card import QUIET_DAY, page, rich_client, text_of, today_of

# Opening a card on PostgreSQL: the signed-in user with their store, the client, which of the rarer sections have
# rows with the referral and loyalty summary (one statement), its follow-ups, five for what the talking points and
# opening lines may say (four when it has no open wish), people, dates, the timeline's purchases with their items,
# its calls, then the rarer sections that have rows: the referrals, the wish lists, consent, appointments, repairs, the
# messages sent (issue 20); and the view's audit row. SQLite adds its BEGINs and the look for a recent view before
# the audit row's own connection. On PostgreSQL every one runs in autocommit, so the statements are the round trips.
MOST = {"postgresql": 20, "sqlite": 23}


@contextmanager
def counted():
    """Statements run, those of them run inside a transaction (PostgreSQL: psycopg's BEGIN before the first, a
    COMMIT or ROLLBACK after, round trips of their own) and connections taken from the pool while inside."""
    seen = {"statements": 0, "in_transaction": 0, "connections": 0}

    def statement(conn, *_args) -> None:  # noqa: ANN001
        seen["statements"] += 1
        raw = conn.connection.dbapi_connection
        seen["in_transaction"] += conn.dialect.name == "postgresql" and not raw.autocommit

    def checkout(*_args) -> None:
        seen["connections"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)


def long_history(user, client, years: int = 40) -> None:
    """Years of work on one client: 40 sales of two pieces, 40 calls, more people and dates, wishes, consent."""
    on = today_of(user)
    for n in range(years):
        sale = Purchase(store_id=user.store_id, client_id=client.id, associate_id=user.id, total=Decimal("300"),
                        purchased_on=on - timedelta(days=30 + 20 * n), occasion="birthday" if n % 3 else None)
        sale.items = [PurchaseItem(store_id=user.store_id, description=f"Piece {n}-{i}", category="ring",
                                   price=Decimal("150")) for i in range(2)]
        db.session.add(sale)
        db.session.add(Outreach(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="call",
                                outcome="voicemail", occurred_on=on - timedelta(days=9 + 15 * n),
                                occurred_at=utcnow() - timedelta(days=9 + 15 * n)))
    for name in ("Leo Quinn", "Ivy Quinn", "Max Quinn"):
        child = add_person(client, name, "child")
        add_date(client, "birthday", 3, 14, year=2010, person=child)
    friend = make_client(user, first_name="Bea")
    db.session.add_all([
        *(WishItem(store_id=user.store_id, client_id=client.id, description=f"Wish {n}") for n in range(min(years, 5))),
        *(ConsentEvent(store_id=user.store_id, client_id=client.id, user_id=user.id, channel="text", what=what)
          for what in ("opt_out", "opt_in", "opt_out")[:years]),
        Referral(store_id=user.store_id, referrer_id=client.id, referred_id=friend.id, recorded_on=on),
    ])
    db.session.commit()


def test_a_card_with_years_of_history_takes_as_many_statements_as_one_with_a_year(auth, clock, app):
    """What a card reads depends on which sections have rows, never on how many: 40 years of sales, calls, wishes
    and consent changes cost what one of each costs, and a client with none of the rarer sections less."""
    clock.set_day(QUIET_DAY)
    user = make_user()
    newer, _ = rich_client(user)
    younger, _ = rich_client(user)
    older, _ = rich_client(user)
    long_history(user, younger, years=1)
    long_history(user, older)
    newer_id, younger_id, older_id, backend = newer.id, younger.id, older.id, db.engine.dialect.name  # read first
    auth.login(user.email)
    with counted() as few:
        response, _ = page(auth, newer_id)
    assert response.status_code == 200
    with counted() as one_year:
        response, _ = page(auth, younger_id)
    assert response.status_code == 200
    with counted() as many:
        response, html = page(auth, older_id)
    assert response.status_code == 200
    words = text_of(html)
    assert "Piece 0-0" in words and "Wish 4" in words and "Ivy Quinn" in words  # the history is on the card
    assert many["statements"] == one_year["statements"] <= MOST[backend]
    assert few["statements"] < many["statements"]  # no consent, wishes or referrals: those are not read
    # PostgreSQL: the view's audit row is written on the request's own connection, not on a second one, and like
    # every read of the card in autocommit (jewelpwa/database.py): no BEGIN and COMMIT round trips.
    assert many["connections"] == (1 if backend == "postgresql" else 2)
    assert many["in_transaction"] == few["in_transaction"] == 0
