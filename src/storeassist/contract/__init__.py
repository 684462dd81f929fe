"""The wire format between the app and the hub: pydantic v2 models for every ``/v1`` request and response.

Both programs import this package, so they cannot drift. Money is integer minor units (cents);
times are timezone-aware UTC.
"""

from storeassist.contract.catalog import Product, ProductPage, StockAnswer, StockLevel, StoreInfo
from storeassist.contract.commands import (
    COMMAND_PAYLOADS,
    AddNotePayload,
    CollectPickupPayload,
    Command,
    CommandBatch,
    CommandBatchResult,
    CommandResult,
    CommandStatus,
    CommandType,
    PlaceHoldPayload,
    ProfileViewedPayload,
)
from storeassist.contract.common import API_PREFIX, Channel, Problem, Role
from storeassist.contract.customers import (
    Alert,
    CartItem,
    Consent,
    CustomerDetail,
    CustomerPage,
    CustomerProfile,
    CustomerSummary,
    Hold,
    LoyaltyStanding,
    Recommendation,
    RecommendationList,
    ResolveTokenRequest,
    ServiceCase,
    TimelineEntry,
)
from storeassist.contract.devices import (
    EnrollRequest,
    EnrollResponse,
    PublicKeys,
    StaffSession,
    StaffSignInRequest,
)
from storeassist.contract.orders import Order, OrderLine, PickupQueue, PickupState
from storeassist.contract.sync import ChangeFeed, RevokedCard

__all__ = [
    "API_PREFIX",
    "COMMAND_PAYLOADS",
    "AddNotePayload",
    "Alert",
    "CartItem",
    "ChangeFeed",
    "Channel",
    "CollectPickupPayload",
    "Command",
    "CommandBatch",
    "CommandBatchResult",
    "CommandResult",
    "CommandStatus",
    "CommandType",
    "Consent",
    "CustomerDetail",
    "CustomerPage",
    "CustomerProfile",
    "CustomerSummary",
    "EnrollRequest",
    "EnrollResponse",
    "Hold",
    "LoyaltyStanding",
    "Order",
    "OrderLine",
    "PickupQueue",
    "PickupState",
    "PlaceHoldPayload",
    "Problem",
    "Product",
    "ProductPage",
    "ProfileViewedPayload",
    "PublicKeys",
    "Recommendation",
    "RecommendationList",
    "ResolveTokenRequest",
    "RevokedCard",
    "Role",
    "ServiceCase",
    "StaffSession",
    "StaffSignInRequest",
    "StockAnswer",
    "StockLevel",
    "StoreInfo",
    "TimelineEntry",
]
