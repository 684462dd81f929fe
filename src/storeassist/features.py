"""Every screen of the associate app, registered once: its key, navigation label, screen and scans.

Adding a screen is its own module (the screen and the Protocol of the services it uses) plus
one line here. The order here is the order of the navigation; the first navigation entry is the
home screen. mypy checks at each line that :class:`~storeassist.startup.DeviceServices` gives
the screen what its ``attach`` asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from storeassist.ui.attention_screen import AttentionScreen
from storeassist.ui.customer_screen import CustomerScreen
from storeassist.ui.features import Feature
from storeassist.ui.kiosk_pickup import KioskPickupScreen
from storeassist.ui.kiosk_product import KioskProductScreen
from storeassist.ui.kiosk_return import KioskReturnScreen
from storeassist.ui.kiosk_shopper import KioskShopperScreen
from storeassist.ui.pickups_screen import PickupsScreen
from storeassist.ui.returns_screen import ReturnsScreen
from storeassist.ui.stock_screen import StockScreen

if TYPE_CHECKING:
    from storeassist.startup import DeviceServices


def _customer() -> str:
    return QCoreApplication.translate("features", "Customer")


def _pickups() -> str:
    return QCoreApplication.translate("features", "Pickups")


def _returns() -> str:
    return QCoreApplication.translate("features", "Returns")


def _stock() -> str:
    return QCoreApplication.translate("features", "Stock")


def _attention() -> str:
    return QCoreApplication.translate("features", "Needs attention")


ASSOCIATE_FEATURES: tuple[Feature[DeviceServices], ...] = (
    Feature("customer", _customer, CustomerScreen, frozenset({"loyalty"})),
    Feature("pickups", _pickups, PickupsScreen, frozenset({"order", "order_number"})),
    # An order code is the Returns screen's too while it shows (ReturnsScreen.takes_scan).
    Feature("returns", _returns, ReturnsScreen, frozenset({"receipt", "return_order"})),
    Feature("stock", _stock, StockScreen, frozenset({"product"})),
    Feature("attention", _attention, AttentionScreen, placement="page"),
)


def _kiosk_shopper() -> str:
    return QCoreApplication.translate("features", "Your points and offers")


def _kiosk_product() -> str:
    return QCoreApplication.translate("features", "Price and stock")


def _kiosk_pickup() -> str:
    return QCoreApplication.translate("features", "Collect an order")


def _kiosk_return() -> str:
    return QCoreApplication.translate("features", "Start a return")


#: The self-service kiosk's screens, each opened by what a shopper scans (an order's code opens
#: self-pickup, which offers a return too; a receipt opens the return). No navigation: the kiosk
#: shows one screen at a time and starts over after each shopper.
KIOSK_FEATURES: tuple[Feature[DeviceServices], ...] = (
    Feature("kiosk_shopper", _kiosk_shopper, KioskShopperScreen, frozenset({"loyalty"}), placement="page"),
    Feature("kiosk_product", _kiosk_product, KioskProductScreen, frozenset({"product"}), placement="page"),
    Feature("kiosk_pickup", _kiosk_pickup, KioskPickupScreen, frozenset({"order"}), placement="page"),
    Feature("kiosk_return", _kiosk_return, KioskReturnScreen, frozenset({"receipt"}), placement="page"),
)
