"""Direct-mail list: names and postal addresses of a segment, minus who must not get mail, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io

from jewelpwa.extensions import db
from jewelpwa.models import Segment

from ..conftest import make_user
from ..factories import make_client

ADDRESS = {"address_line1": "12 Elm St", "city": "Springfield", "region": "IL", "postal_code": "62701",
           "country": "US"}


def test_mail_list_has_addresses_leaves_out_dnc_and_opted_out_and_neutralises_formulas(client, auth):
    owner = make_user(role="owner")
    maya = make_user(role="associate")
    make_client(maya, first_name="Ava", last_name="Stone", tags=["gala"], address_line2="Apt 4", **ADDRESS)
    make_client(maya, first_name="=HYPERLINK(\"http://evil\")", last_name="X", tags=["gala"],
                **{**ADDRESS, "address_line1": "-1 Minus Rd", "postal_code": "10001", "city": "@City"})
    make_client(maya, first_name="Nohome", tags=["gala"])
    make_client(maya, first_name="Quiet", tags=["gala"], do_not_contact=True, **ADDRESS)
    make_client(maya, first_name="Paperless", tags=["gala"], opted_out=["mail"], **ADDRESS)
    make_client(maya, first_name="Blank", tags=["gala"], **{**ADDRESS, "address_line1": "   "})
    make_client(maya, first_name="Notgala", **ADDRESS)
    segment = Segment(store_id=owner.store_id, name="Gala guests", filter={"tags": "gala"})
    db.session.add(segment)
    db.session.commit()
    auth.login(owner.email)
    page = client.get(f"/owner/segments/{segment.id}").get_data(as_text=True)
    assert ("<strong>2</strong> with a postal address; 2 without an address; 1 do not contact; "
            "1 opted out of mail.") in page
    response = client.get(f"/owner/segments/{segment.id}/mail.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mail-gala-guests.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["Name", "Address line 1", "Address line 2", "City", "Region", "Postal code", "Country"],
        ["'=HYPERLINK(\"http://evil\") X", "'-1 Minus Rd", "", "'@City", "IL", "10001", "US"],
        ["Ava Stone", "12 Elm St", "Apt 4", "Springfield", "IL", "62701", "US"],
    ]


def test_mail_list_is_for_owners_only(client, auth):
    owner = make_user(role="owner")
    segment = Segment(store_id=owner.store_id, name="All", filter={})
    db.session.add(segment)
    db.session.commit()
    associate = make_user(role="associate")
    auth.login(associate.email)
    assert client.get(f"/owner/segments/{segment.id}/mail.csv").status_code == 403


def test_downloading_a_mail_list_is_audited_like_every_export(client, auth):
    """Names and postal addresses leave the app: who, when, which segment and from where (it was not recorded)."""
    from jewelpwa.models import AuditEvent

    owner = make_user(role="owner")
    segment = Segment(store_id=owner.store_id, name="All", filter={})
    db.session.add(segment)
    db.session.commit()
    auth.login(owner.email)
    assert client.get(f"/owner/segments/{segment.id}/mail.csv").status_code == 200
    row = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export_mail_list"))
    assert (row.user_id, row.store_id, row.target) == (owner.id, owner.store_id, f"segment:{segment.id}")
    assert row.address == client.environ_base["REMOTE_ADDR"]
    assert "exported a segment&#39;s mail list" in client.get("/owner/audit").get_data(as_text=True)
