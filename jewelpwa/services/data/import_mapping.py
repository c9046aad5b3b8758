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
    # What real exports carry beyond a jewelry point of sale's own columns (issue 21).
    "phone2", "company", "preferred_name", "address_line1", "address_line2", "city", "region", "postal_code",
    "country", "tags", "client_since", "ring_size", "metals", "stones", "brands", "styles",
    "accepts_email", "accepts_text", "accepts_mail", "accepts_call", "accepts_marketing",
    "no_email", "no_text", "no_mail", "no_call", "lifetime_spend", "order_count", "other_id",
)
# The export writes these, in this order: everything a re-import reads back (consent as the opt-out columns).
EXPORT_CLIENT_FIELDS = (
    *CLIENT_FIELDS[:15], "phone2", "company", "preferred_name", "address_line1", "address_line2", "city", "region",
    "postal_code", "country", "tags", "client_since", "ring_size", "metals", "stones", "brands", "styles",
    "no_call", "no_text", "no_email", "no_mail",
)
PURCHASE_FIELDS = (
    "client_number", "purchased_on", "receipt_number", "description", "category", "metal", "stone",
    "brand", "price", "occasion", "associate_email",
    "client_email", "quantity",  # an online shop's order export names the buyer by email, an item line by quantity
)
EXPORT_PURCHASE_FIELDS = PURCHASE_FIELDS[:11]
FIELDS = {"clients": CLIENT_FIELDS, "purchases": PURCHASE_FIELDS}
# Each entry is one requirement: any one of its fields will do.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "clients": (("client_number",), ("first_name",)),
    "purchases": (("client_number", "client_email"), ("purchased_on",), ("receipt_number",), ("price",)),
}

LABELS = {
    "client_number": "Client number", "first_name": "First name", "last_name": "Last name", "email": "Email",
    "phone": "Phone (the one to text)", "birthday": "Birthday", "anniversary": "Anniversary",
    "partner_name": "Partner's name", "partner_birthday": "Partner's birthday", "children": "Children",
    "associate_email": "Associate (email)", "preferred_channel": "Preferred channel", "do_not_contact": "Do not contact",
    "frequency": "How often", "notes": "Notes", "phone2": "Second phone", "company": "Company",
    "preferred_name": "Preferred name", "address_line1": "Address line 1", "address_line2": "Address line 2",
    "city": "City", "region": "State / region", "postal_code": "Postal code", "country": "Country", "tags": "Tags",
    "client_since": "Client since", "ring_size": "Ring size", "metals": "Metals", "stones": "Stones",
    "brands": "Brands", "styles": "Styles", "accepts_email": "Email marketing: yes/no",
    "accepts_text": "Text marketing: yes/no", "accepts_mail": "Mail: yes/no", "accepts_call": "Calls: yes/no",
    "accepts_marketing": "Marketing (email and text): yes/no", "no_email": "No email (opted out)",
    "no_text": "No texts (opted out)", "no_mail": "No mail (opted out)", "no_call": "No calls (opted out)",
    "lifetime_spend": "Total spent", "order_count": "Number of orders",
    "other_id": "Other id (when the client number is blank)",
    "purchased_on": "Sale date", "receipt_number": "Receipt number", "description": "Item description",
    "category": "Category", "metal": "Metal", "stone": "Stone", "brand": "Brand", "price": "Price",
    "occasion": "Occasion", "client_email": "Client's email (when there is no client number)",
    "quantity": "Quantity",
}

# Header names seen in exports, compacted (lower case, letters and digits only, "#" read as "no"); the documented
# names themselves are recognised too. The order is a preference: when two columns could be the same field, the
# one named earlier in its list gets it (Lightspeed's "Mobile" is the phone to text, its "Home Phone" the second;
# Square's "Square Customer ID" is always filled, its "Reference ID" often blank). Where the names come from,
# system by system, is in docs/import.md ("Exports recognised").
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client_number": ("clientnumber", "customerno", "customernumber", "custno", "custnumber", "customercode",
                      "customerid", "squarecustomerid", "custid", "clientno", "clientid", "accountno",
                      "accountnumber", "acctno", "custcode", "cno", "customer"),
    "first_name": ("firstname", "first", "fname", "givenname", "forename"),
    "last_name": ("lastname", "last", "lname", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail", "eaddress", "email1", "primaryemail"),
    "phone": ("mobile", "mobilephone", "cell", "cellphone", "mobilenumber", "mobileno", "cellular", "phone",
              "phonenumber", "primaryphone", "telephone", "tel", "phoneno", "defaultaddressphone", "homephone",
              "phone1", "workphone", "businessphone"),
    "phone2": ("phone2", "secondphone", "otherphone", "alternatephone", "homephone", "workphone", "businessphone"),
    "birthday": ("birthday", "birthdate", "dob", "dateofbirth", "bday", "born"),
    "anniversary": ("anniversary", "anniv", "weddinganniversary", "annivdate", "anniversarydate", "weddingdate"),
    "partner_name": ("partnername", "partner", "spouse", "spousename", "significantother"),
    "partner_birthday": ("partnerbirthday", "spousebirthday", "spousebirthdate", "spousedob", "partnerdob"),
    "children": ("children", "kids"),
    "associate_email": ("associateemail", "associate", "salesassociate", "salesperson", "clerk", "rep",
                        "salesrep", "staff", "soldby"),
    "preferred_channel": ("preferredchannel", "contactpreference", "preferredcontact", "contactmethod"),
    "do_not_contact": ("donotcontact", "dnc", "nocontact", "optout"),
    "frequency": ("frequency", "contactfrequency"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "memo"),
    "company": ("company", "companyname", "business", "businessname", "organization", "organisation",
                "defaultaddresscompany"),
    "preferred_name": ("preferredname", "nickname", "knownas"),
    "address_line1": ("addressline1", "address1", "address", "streetaddress1", "streetaddress", "street",
                      "defaultaddressaddress1", "physicaladdress1", "billingaddress1", "address1street"),
    "address_line2": ("addressline2", "address2", "streetaddress2", "defaultaddressaddress2", "physicaladdress2",
                      "billingaddress2"),
    "city": ("city", "town", "defaultaddresscity", "physicalcity", "billingcity"),
    "region": ("region", "state", "province", "stateprovince", "county", "statecode", "provincecode",
               "defaultaddressprovincecode", "defaultaddressprovince", "physicalstate", "billingstate"),
    "postal_code": ("postalcode", "zip", "zipcode", "postcode", "postalzipcode", "defaultaddresszip",
                    "physicalpostcode", "billingzip"),
    "country": ("country", "countrycode", "defaultaddresscountrycode", "defaultaddresscountry", "physicalcountryid",
                "physicalcountry", "countryid", "billingcountry"),
    "tags": ("tags", "tag", "labels"),
    "client_since": ("clientsince", "customersince", "created", "createdat", "datecreated", "createddate",
                     "firstvisit", "dateentered", "membersince", "dateadded", "registered", "registeredat", "since"),
    "ring_size": ("ringsize", "fingersize"),
    "metals": ("metals", "metalpreference", "preferredmetal", "preferredmetals"),
    "stones": ("stones", "stonepreference", "preferredstones", "gemstonepreference"),
    "brands": ("brands", "preferredbrands", "favoritebrands", "favouritebrands"),
    "styles": ("styles", "style", "stylepreference"),
    "accepts_email": ("acceptsemail", "acceptsemailmarketing", "acceptsmarketing", "emailsubscriptionstatus",
                      "emailmarketing", "emailoptin", "emailok", "emailconsent", "emailsubscribed", "newsletter"),
    "accepts_text": ("acceptstext", "acceptssmsmarketing", "smssubscriptionstatus", "smsmarketing", "smsoptin",
                     "textoptin", "textok", "smsok", "smsconsent"),
    "accepts_mail": ("acceptsmail", "mailok", "mailoptin", "directmail"),
    "accepts_call": ("acceptscall", "callok", "phoneok", "phoneoptin", "callsok"),
    "accepts_marketing": ("marketingallowed", "marketingoptin", "allowmarketing"),
    "no_email": ("noemail", "emailunsubscribed", "donotemail", "emailoptout", "contactnoemail"),
    "no_text": ("notext", "nosms", "donottext", "donotsms", "smsoptout", "textoptout"),
    "no_mail": ("nomail", "donotmail", "mailoptout", "contactnomail"),
    "no_call": ("nocall", "nophone", "donotcall", "phoneoptout", "contactnophone"),
    "lifetime_spend": ("lifetimespend", "totalspent", "totalspend", "lifetimevalue", "lifetimesales", "totalsales"),
    "order_count": ("ordercount", "totalorders", "orderscount", "numberoforders", "transactioncount", "totalvisits",
                    "visitcount", "noofvisits", "visits"),
    "other_id": ("otherid", "referenceid", "externalid", "id", "recordid", "customerreference"),
    "purchased_on": ("purchasedon", "date", "saledate", "invoicedate", "transactiondate", "purchasedate",
                     "datesold", "receiptdate", "orderdate", "createdat", "paidat"),
    "receipt_number": ("receiptnumber", "receipt", "receiptno", "invoice", "invoiceno", "invoicenumber",
                       "ticket", "ticketno", "transaction", "transactionno", "transactionid", "saleno",
                       "orderno", "ordernumber", "name"),
    "description": ("description", "itemdescription", "item", "itemname", "lineitemname", "product", "productname",
                    "desc"),
    "category": ("category", "itemcategory", "type", "itemtype", "department", "dept", "class"),
    "metal": ("metal", "metaltype", "material"),
    "stone": ("stone", "gemstone", "centerstone", "centrestone", "gem", "stonetype"),
    "brand": ("brand", "designer", "vendor", "manufacturer", "maker"),
    "price": ("price", "lineitemprice", "retail", "amount", "saleprice", "linetotal", "extprice", "net",
              "netamount", "soldprice", "value", "total"),
    "occasion": ("occasion", "reason", "giftoccasion"),
    "client_email": ("clientemail", "email", "customeremail", "emailaddress"),
    "quantity": ("quantity", "lineitemquantity", "qty"),
}
# Columns whose name says which kind of phone they hold; "mobile" is the one a salesperson texts.
_PHONE_KINDS = (("mobile", "mobile"), ("cell", "mobile"), ("home", "home"), ("work", "work"), ("business", "work"),
                ("office", "work"))
# Names of id columns kept for the fallback when no column is recognised as the client number.
_ID_ENDINGS = ("id", "number", "no", "code", "nummer", "nr")

def compact(name: str) -> str:
    """ "Customer #" → "customerno", "E-mail" → "email", " Birth Date " → "birthdate"."""
    return re.sub(r"[^a-z0-9]", "", name.strip().lower().replace("#", "no"))


def _index(kind: str) -> dict[str, tuple[str, int]]:
    """{compacted name: (field, rank)}: a name in several lists belongs to the field listed first in FIELDS (a
    "Home Phone" is the phone when it is the only one; `recognise` moves it to phone2 when a mobile is there)."""
    index: dict[str, tuple[str, int]] = {}
    for name in FIELDS[kind]:
        synonyms = _SYNONYMS.get(name, ())
        for rank, synonym in enumerate(synonyms if compact(name) in synonyms else (compact(name), *synonyms)):
            index.setdefault(synonym, (name, rank))
    return index


_INDEX = {kind: _index(kind) for kind in FIELDS}
# A column that loses its field to a better-named one tries this field next.
_RUNNER_UP = {"phone": "phone2", "client_number": "other_id"}


def phone_kind(header_name: str) -> str | None:
    """"Mobile" → "mobile", "Home Phone" → "home", "Work Phone" → "work"; None when the name does not say."""
    key = compact(header_name)
    return next((kind for word, kind in _PHONE_KINDS if word in key), None)


def recognise(header: list[str], kind: str, remembered: dict[str, str] | None = None) -> list[str]:
    """A field for each column: the store's remembered choice for that header first, then the name lists.

    Each field is given to one column only: the one whose name ranks best in the field's list (ties: the first
    column). A phone that loses to a mobile becomes the second phone, a client number that loses becomes the
    other id. With no client number column at all, the first column named like an id is taken for it.
    """
    remembered = remembered or {}
    fields = FIELDS[kind]
    claims: dict[str, list[tuple[int, int]]] = {}  # field → [(rank, column)]
    mapping = [""] * len(header)
    for i, name in enumerate(header):
        key = compact(name)
        if not key:
            continue
        if key in remembered:
            if remembered[key] in fields:
                claims.setdefault(remembered[key], []).append((-1, i))
            continue
        if key in _INDEX[kind]:
            field, rank = _INDEX[kind][key]
            claims.setdefault(field, []).append((rank, i))
    leftovers: list[tuple[str, int, int]] = []
    for field, columns in claims.items():
        columns.sort()
        mapping[columns[0][1]] = field
        leftovers += [(field, rank, i) for rank, i in columns[1:]]
    for field, _rank, i in sorted(leftovers, key=lambda x: (x[1], x[2])):
        runner_up = _RUNNER_UP.get(field)
        if runner_up and runner_up in fields and runner_up not in mapping:
            mapping[i] = runner_up
    if kind == "clients" and "client_number" not in mapping:
        for i, name in enumerate(header):
            key = compact(name)
            if (not mapping[i] or mapping[i] == "other_id") and key.endswith(_ID_ENDINGS):
                mapping[i] = "client_number"
                break
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
    missing = [" or ".join(LABELS[f] for f in need) for need in REQUIRED[kind] if not any(f in seen for f in need)]
    if missing:
        errors["mapping"] = "Choose a column for " + ", ".join(missing)
    return errors


def required_names(kind: str) -> list[str]:
    """The required fields as a header must name them: "client_number", "client_number or client_email"."""
    return [" or ".join(need) for need in REQUIRED[kind]]


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
