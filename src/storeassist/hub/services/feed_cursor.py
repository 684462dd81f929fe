"""The change feed's cursor: what a device sends back to say where it is in its store's feed.

The cursor is opaque to the device (base64url JSON). It names the phase being paged, the last key
sent, and the ``change_log`` position taken when the snapshot began (``start_seq``); a stock-desk
feed's keeps three more fields (:class:`DeskState`). A cursor comes back from a device, so it is
input like any other: :meth:`FeedCursor.decode` accepts exactly the shape :meth:`FeedCursor.encode`
writes (these fields, each of its type and range, the key of the type its phase uses) and answers
anything else with :class:`BadCursor`. The feed itself is ``change_feed``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from typing import Any

from storeassist.hub.services.errors import BadCursor

PHASES = ("products", "stock", "pickups", "customers", "revoked", "log")
#: Ids in a cursor (products, orders, customers, stores) fit the 32-bit id columns.
MAX_CURSOR_ID = 2**31 - 1
#: ``change_log`` positions fit a 64-bit integer on every database.
MAX_CURSOR_SEQ = 2**63 - 1
#: Phases whose key is the last id sent (or None before the first page).
_ID_PHASES = frozenset({"products", "stock", "pickups", "customers"})
_CURSOR_FIELDS = frozenset({"st", "p", "k", "s"})
_DESK_CURSOR_FIELDS = _CURSOR_FIELDS | {"t", "d", "h"}
_DAMAGED = "That sync cursor is damaged. Start again with an empty cursor."


@dataclass(frozen=True)
class DeskState:
    """What a stock-desk feed keeps in its cursor: the snapshot's size and progress, and the kept
    places' fingerprint."""

    total: int
    done: int
    places: int


@dataclass(frozen=True)
class FeedCursor:
    store_id: int
    phase: str
    after: Any  # last key sent in this phase (an id, a pair, or a log seq)
    start_seq: int
    desk: DeskState | None = None

    def encode(self) -> str:
        data: dict[str, Any] = {"st": self.store_id, "p": self.phase, "k": self.after, "s": self.start_seq}
        if self.desk is not None:
            data.update(t=self.desk.total, d=self.desk.done, h=self.desk.places)
        raw = json.dumps(data, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()

    @classmethod
    def decode(cls, text: str, store_id: int) -> FeedCursor:
        """The cursor ``text`` names, or :class:`BadCursor` for anything the hub did not write."""
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        # binascii.Error, UnicodeDecodeError and JSONDecodeError are ValueErrors; a route bounds
        # the text, but a cursor of nothing but brackets still recurses in the JSON parser.
        except (ValueError, RecursionError) as exc:
            raise BadCursor(_DAMAGED) from exc
        if not isinstance(data, dict) or data.keys() not in (_CURSOR_FIELDS, _DESK_CURSOR_FIELDS):
            raise BadCursor(_DAMAGED)
        desk = None
        if data.keys() == _DESK_CURSOR_FIELDS:
            total, done, places = data["t"], data["d"], data["h"]
            if not (_is_int(total, 0, MAX_CURSOR_SEQ) and _is_int(done, 0, MAX_CURSOR_SEQ)):
                raise BadCursor(_DAMAGED)
            if not _is_int(places, 0, 2**32 - 1):
                raise BadCursor(_DAMAGED)
            desk = DeskState(total, done, places)
        store, phase, after, start_seq = data["st"], data["p"], data["k"], data["s"]
        if not (_is_int(store, 1, MAX_CURSOR_ID) and _is_int(start_seq, 0, MAX_CURSOR_SEQ)):
            raise BadCursor(_DAMAGED)
        if store != store_id or phase not in PHASES:
            raise BadCursor(
                "That sync cursor belongs to another store or feed. Start again with an empty cursor."
            )
        if not _key_fits(phase, after, desk is not None):
            raise BadCursor(_DAMAGED)
        return cls(store, phase, after, start_seq, desk)

    def next_phase(self) -> FeedCursor:
        phase = PHASES[PHASES.index(self.phase) + 1]
        return replace(self, phase=phase, after=self.start_seq if phase == "log" else None)


def _is_int(value: object, low: int, high: int) -> bool:
    """An integer from JSON in ``low..high``; ``true`` and ``1.0`` are not integers here."""
    return type(value) is int and low <= value <= high


def _key_fits(phase: str, after: object, desk: bool) -> bool:
    """Whether ``after`` is the kind of last key ``phase`` writes (a stock-desk feed's stock
    phase: a ``[store_id, product_id]`` pair)."""
    if phase == "log":
        return _is_int(after, 0, MAX_CURSOR_SEQ)
    if after is None:
        return True
    if phase == "stock" and desk:
        return _is_pair(after)
    if phase in _ID_PHASES:
        return _is_int(after, 0, MAX_CURSOR_ID)
    # "revoked": the last (customer id, card serial) pair sent.
    return _is_pair(after)


def _is_pair(after: object) -> bool:
    return (
        isinstance(after, list) and len(after) == 2 and all(_is_int(part, 0, MAX_CURSOR_ID) for part in after)
    )
