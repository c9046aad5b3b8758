"""Store B rows for test_scoping's URL walk: import runs (issue 7). The privacy routes take `client_id`,
which test_scoping already makes.

FACTORIES maps a route argument to a function(store_b_user) -> row; WORDS maps a word argument to a real value.
"""

from jewelpwa.extensions import db
from jewelpwa.models import ImportRun


def make_import_run(user) -> ImportRun:
    """A checked (ready to apply) upload of store B: applying it through store A must be a 404."""
    data = b"client_number,first_name\nB1,Bea\n"
    row = ImportRun(store_id=user.store_id, user_id=user.id, kind="clients", filename="store-b.csv", data=data,
                    encoding="utf-8", delimiter=",", header=["client_number", "first_name"],
                    mapping=["client_number", "first_name"], rows_total=1, status="checked",
                    report={"summary": "Would create 1 client", "rejected": []})
    db.session.add(row)
    db.session.commit()
    return row


FACTORIES: dict = {"import_id": make_import_run}
WORDS: dict = {}
