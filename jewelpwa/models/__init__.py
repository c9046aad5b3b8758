"""SQLAlchemy tables only; behaviour lives in services/ and rules in domain/."""

# One module per later area; each lists its own tables in its __all__.
from . import data_io, loyalty, repairs, segments  # noqa: E402
from .client import Client, ClientSearchTerm, ImportantDate, Person
from .data_io import *  # noqa: E402,F403
from .day_list import DayList, DayListCard
from .extras import Appointment, ConsentEvent, Referral, TradeUpCredit, WishItem
from .follow_up import FollowUp, Outreach, OutreachFollowUp, StoreEvent
from .loyalty import *  # noqa: E402,F403
from .messages import Message, MessageTemplate
from .purchase import Purchase, PurchaseItem
from .push import AuditEvent, Notification, PushSubscription
from .repairs import *  # noqa: E402,F403
from .segments import *  # noqa: E402,F403
from .store import Store
from .user import User, UserSession

__all__ = [
    "Appointment",
    "AuditEvent",
    "Client",
    "ClientSearchTerm",
    "ConsentEvent",
    "DayList",
    "DayListCard",
    "FollowUp",
    "ImportantDate",
    "Message",
    "MessageTemplate",
    "Notification",
    "Outreach",
    "OutreachFollowUp",
    "Person",
    "Purchase",
    "PurchaseItem",
    "PushSubscription",
    "Referral",
    "Store",
    "StoreEvent",
    "TradeUpCredit",
    "User",
    "UserSession",
    "WishItem",
]
__all__ += data_io.__all__ + loyalty.__all__ + repairs.__all__ + segments.__all__
