"""Which import field each column of a point-of-sale export holds: recognised from its header name,
corrected by the owner, remembered per store.

A mapping is a list as long as the header: the field name for each column, or "" to leave it out.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from ...clock import utcnow
from ...extensions import db
from ...models import ImportMapping

CLIENT_FIELDS = (
    "client_number", "first_name", "last_name", "email", "phone", "birthday", "anniversary",
    "partner_name", "partner_birthday", "children", "associate_email", "preferred_channel",
    "do_not_contact", "frequency", "notes",
)
PURCHASE_FIELDS = (
    "client_number", "purchased_on", "receipt_number", "description", "category", "metal", "stone",
    "brand", "price", "occasion", "associate_email",
)
FIELDS = {"clients": CLIENT_FIELDS, "purchases": PURCHASE_FIELDS}
REQUIRED = {"clients": ("client_number", "first_name"),
            "purchases": ("client_number", "purchased_on", "receipt_number", "price")}

LABELS = {
    "client_number": "Client number", "first_name": "First name", "last_name": "Last name", "email": "Email",
    "phone": "Phone", "birthday": "Birthday", "anniversary": "Anniversary", "partner_name": "Partner's name",
    "partner_birthday": "Partner's birthday", "children": "Children", "associate_email": "Associate (email)",
    "preferred_channel": "Preferred channel", "do_not_contact": "Do not contact", "frequency": "How often",
    "notes": "Notes", "purchased_on": "Sale date", "receipt_number": "Receipt number",
    "description": "Item description", "category": "Category", "metal": "Metal", "stone": "Stone",
    "brand": "Brand", "price": "Price", "occasion": "Occasion",
}

# Header names seen in jewelry point-of-sale exports, compacted (lower case, letters and digits only,
# "#" read as "no"). The documented names themselves are recognised too.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client_number": ("customerno", "customernumber", "custno", "custnumber", "customerid", "custid", "clientno",
                      "clientid", "clientnumber", "accountno", "accountnumber", "acctno", "customer", "custcode",
                      "customercode", "cno"),
    "first_name": ("first", "firstname", "fname", "givenname", "forename"),
    "last_name": ("last", "lastname", "lname", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail", "eaddress"),
    "phone": ("phone", "mobile", "cell", "cellphone", "mobilephone", "telephone", "tel", "phoneno", "phonenumber",
              "homephone", "primaryphone", "mobileno"),
    "birthday": ("birthday", "birthdate", "dob", "dateofbirth", "bday", "born"),
    "anniversary": ("anniversary", "anniv", "weddinganniversary", "annivdate", "anniversarydate", "weddingdate"),
    "partner_name": ("partner", "spouse", "spousename", "partnername", "significantother"),
    "partner_birthday": ("partnerbirthday", "spousebirthday", "spousebirthdate", "spousedob", "partnerdob"),
    "children": ("children", "kids"),
    "associate_email": ("associate", "salesassociate", "salesperson", "associateemail", "clerk", "rep",
                        "salesrep", "staff", "soldby"),
    "preferred_channel": ("preferredchannel", "contactpreference", "preferredcontact", "contactmethod"),
    "do_not_contact": ("donotcontact", "dnc", "nocontact", "optout", "donotmail"),
    "frequency": ("frequency", "contactfrequency"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "memo"),
    "purchased_on": ("purchasedon", "date", "saledate", "invoicedate", "transactiondate", "purchasedate",
                     "datesold", "receiptdate", "orderdate"),
    "receipt_number": ("receipt", "receiptno", "receiptnumber", "invoice", "invoiceno", "invoicenumber",
                       "ticket", "ticketno", "transaction", "transactionno", "transactionid", "saleno",
                       "orderno", "ordernumber"),
    "description": ("description", "itemdescription", "item", "itemname", "product", "productname", "desc"),
    "category": ("category", "itemcategory", "type", "itemtype", "department", "dept", "class"),
    "metal": ("metal", "metaltype", "material"),
    "stone": ("stone", "gemstone", "centerstone", "centrestone", "gem", "stonetype"),
    "brand": ("brand", "designer", "vendor", "manufacturer", "maker"),
    "price": ("price", "retail", "amount", "saleprice", "total", "linetotal", "extprice", "net", "netamount",
              "soldprice", "value"),
    "occasion": ("occasion", "reason", "giftoccasion"),
}


def compact(name: str) -> str:
    """ "Customer #" → "customerno", "E-mail" → "email", " Birth Date " → "birthdate"."""
    return re.sub(r"[^a-z0-9]", "", name.strip().lower().replace("#", "no"))


def _index(kind: str) -> dict[str, str]:
    index = {}
    for name in FIELDS[kind]:
        index[compact(name)] = name
        for synonym in _SYNONYMS.get(name, ()):
            index.setdefault(synonym, name)
    return index


_INDEX = {kind: _index(kind) for kind in FIELDS}


def recognise(header: list[str], kind: str, remembered: dict[str, str] | None = None) -> list[str]:
    """A field for each column: the store's remembered choice for that header first, then the name lists.

    Each field is given to one column only (the first that claims it), so "Phone" and "Cell" in one file do
    not both fill `phone`; the owner can move it on the mapping screen.
    """
    remembered = remembered or {}
    taken: set[str] = set()
    mapping: list[str] = []
    for name in header:
        key = compact(name)
        field = remembered.get(key, _INDEX[kind].get(key, "")) if key else ""
        if field and (field in taken or field not in FIELDS[kind]):
            field = ""
        taken.add(field)
        mapping.append(field)
    return mapping


def check(mapping: list[str], kind: str) -> dict[str, str]:
    """Problems with a mapping as per-field messages: unknown fields, a field twice, a required field missing."""
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i, field in enumerate(mapping):
        if not field:
            continue
        if field not in FIELDS[kind]:
            errors[f"column_{i}"] = f'"{field}" is not an import field'
        elif field in seen:
            errors[f"column_{i}"] = f"{LABELS[field]} is already column {seen[field] + 1}: pick it once"
        else:
            seen[field] = i
    missing = [LABELS[f] for f in REQUIRED[kind] if f not in seen]
    if missing:
        errors["mapping"] = "Choose a column for " + ", ".join(missing)
    return errors


def remembered(store_id: int, kind: str) -> dict[str, str]:
    """The store's last confirmed choices for this kind of file: {compacted header: field}."""
    row = db.session.scalar(select(ImportMapping).where(ImportMapping.store_id == store_id,
                                                        ImportMapping.kind == kind))
    return dict(row.columns) if row else {}


def remember(store_id: int, kind: str, header: list[str], mapping: list[str]) -> None:
    """Keep this file's choices for next time (added to the earlier ones; the caller commits)."""
    row = db.session.scalar(select(ImportMapping).where(ImportMapping.store_id == store_id,
                                                        ImportMapping.kind == kind))
    if row is None:
        row = ImportMapping(store_id=store_id, kind=kind, columns={})
        db.session.add(row)
    columns = dict(row.columns or {})
    for name, field in zip(header, mapping, strict=False):
        if compact(name):
            columns[compact(name)] = field
    row.columns = columns
    row.updated_at = utcnow()
