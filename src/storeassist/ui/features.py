"""What a feature is: a screen, the services it needs, the scans it takes, and its place in the window.

The list of features lives in one module (:mod:`storeassist.features`); the main window builds
each feature's screen, puts it in the navigation or keeps it as a page over the screens, and
sends each scan to the feature that takes its kind. The window knows no screen by name.

A feature's services are typed by a small Protocol the screen module declares (what it calls,
nothing more); the device's services satisfy every one of them, which mypy checks where the
feature is registered (``Feature[S]`` is contravariant in ``S`` through :class:`FeatureScreen`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

from storeassist.ui.background import OpRunner

#: The kinds of code a :class:`~storeassist.scanning.ScanRouter` tells apart.
ScanKind = Literal["loyalty", "order", "receipt", "product", "badge"]
#: What a screen can be asked to open: a scanned code, an order by its number (a tap on a
#: profile's open pickup), or an order to take back with its customer (a profile's "Take back",
#: written by :func:`return_order_text`).
OpenKind = ScanKind | Literal["order_number", "return_order"]
#: How a screen asks the window to open something that belongs to another feature.
OpenElsewhere = Callable[[OpenKind, str], None]
#: A navigation entry of its own, or a page over the screens opened by something else (a button).
Placement = Literal["navigation", "page"]

S_contra = TypeVar("S_contra", contravariant=True)
S = TypeVar("S")


class FeatureScreen(Protocol[S_contra]):
    """What the window asks of every feature's screen (which is also a ``QWidget``)."""

    def attach(self, services: S_contra) -> None:
        """The device is ready: here are its services."""

    def handle_scan(self, kind: OpenKind, text: str) -> None:
        """A code of a kind this feature takes was scanned (or asked for); the screen is showing."""

    def show_message(self, text: str) -> None:
        """A calm notice on this screen (a refused scan, a sign-in prompt)."""

    def staff_changed(self) -> None:
        """Someone signed in or out: whatever was shown for the one before goes."""


@dataclass(frozen=True)
class Feature(Generic[S]):
    """One screen of the app, registered once in :mod:`storeassist.features`."""

    key: str
    #: The navigation label, translated when called (a literal inside ``tr()`` where it is defined).
    label: Callable[[], str]
    #: Makes the screen, given the window's op runner and a way to open another feature's things.
    build: Callable[[OpRunner, OpenElsewhere], FeatureScreen[S]]
    scans: frozenset[OpenKind] = frozenset()
    placement: Placement = "navigation"


def return_order_text(number: str, customer_id: int | None) -> str:
    """An order to take back and the customer it was picked for, as ``OpenElsewhere`` carries it
    (an order number has letters, digits and dashes only, so the separator is unambiguous)."""
    return number if customer_id is None else f"{number}/{customer_id}"


def read_return_order_text(text: str) -> tuple[str, int | None]:
    """(order number, customer id or None) from :func:`return_order_text`'s text."""
    number, _, customer = text.partition("/")
    return number, int(customer) if customer.isdigit() else None


def as_widget(screen: FeatureScreen[S]) -> QWidget:
    """The screen as the widget it is; a feature whose screen is not a widget is a bug."""
    if not isinstance(screen, QWidget):
        raise TypeError(f"{type(screen).__name__} is not a QWidget")
    return screen
