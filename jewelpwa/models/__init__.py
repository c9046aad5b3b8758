"""SQLAlchemy tables only; behaviour lives in services/ and rules in domain/."""

from .client import Client, ImportantDate, Person
from .day_list import DayList, DayListCard
from .extras import Appointment, ConsentEvent, Referral, TradeUpCredit, WishItem
from .follow_up import FollowUp, Outreach, OutreachFollowUp, StoreEvent
from .purchase import Purchase, PurchaseItem
from .push import AuditEvent, Notification, PushSubscription
from .store import Store
from .user import User, UserSession

__all__ = [
    "Appointment",
    "AuditEvent",
    "Client",
    "ConsentEvent",
    "DayList",
    "DayListCard",
    "FollowUp",
    "ImportantDate",
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
