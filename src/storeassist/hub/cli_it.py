"""``storeassist-hub``'s commands for IT running a chain of devices (``hub.cli`` adds them):

* ``devices list [--store N]``: every enrolled device: id, store, kind, when enrolled, whether
  and when revoked, name, and the reason given;
* ``devices revoke ID [--reason TEXT]``: the device is answered 401 ``device_revoked`` from its
  next request, with the reason in the answer, and any staff session on it ends;
* ``rotate-key``: new codes are signed by a new key; the old one stays published;
* ``retire-key KEY_ID``: a key that no longer signs (rotate first) stops being trusted: it is no
  longer published and the hub refuses every code it signed; retiring it again changes nothing;
* ``revoke-card --customer ID``: every loyalty card printed for the customer stops working;
* ``revoke-badge --staff ID``: every badge printed for the staff member stops signing them in;
* ``audit-export --from DATE --to DATE --format csv|jsonl [--out FILE]``: the audit trail of
  those days (UTC, both included) as stored: ids, never personal data.

Each is on the audit trail itself. A command that names something that does not exist exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

#: A reason is shown to the device (the problem's detail): one printable line.
MAX_REASON = 200


def _id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: give 1 or more")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it YYYY-MM-DD") from None


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        raise argparse.ArgumentTypeError(f"give a reason of 1 to {MAX_REASON} printable characters")
    return reason


def add_it_commands(commands: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """The IT commands, on ``storeassist-hub``'s sub-command parser."""
    devices = commands.add_parser("devices", help="list the enrolled devices, or revoke one")
    actions = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every device: id, store, kind, enrolled, revoked, name")
    db_option(listing)
    listing.add_argument("--store", type=_id, default=None, help="only this store's devices")
    revoke = actions.add_parser("revoke", help="stop a device reaching the hub; it is told why")
    db_option(revoke)
    revoke.add_argument("device", type=_id, metavar="ID")
    revoke.add_argument("--reason", type=_reason, default=None, help="shown to the device (one line)")

    rotate = commands.add_parser("rotate-key", help="sign new codes with a new key (old codes still verify)")
    db_option(rotate)
    retire = commands.add_parser(
        "retire-key", help="stop trusting an old signing key: every code it signed is refused"
    )
    db_option(retire)
    retire.add_argument("key", type=_id, metavar="KEY_ID", help="a key that no longer signs (rotate first)")
    card = commands.add_parser("revoke-card", help="cancel every loyalty card printed for a customer")
    db_option(card)
    card.add_argument("--customer", type=_id, required=True)
    badge = commands.add_parser("revoke-badge", help="cancel every badge printed for a staff member")
    db_option(badge)
    badge.add_argument("--staff", type=_id, required=True)

    export = commands.add_parser("audit-export", help="write the audit trail of a date range (UTC days)")
    db_option(export)
    export.add_argument("--from", dest="first", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="last", type=_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=("csv", "jsonl"), required=True)
    export.add_argument("--out", type=Path, default=None, help="a file (default: standard output)")


def _shown(text: str) -> str:
    """Stored free text (a device's name, IT's reason) as one line IT's terminal cannot be driven
    by: each character that is not printable (an escape, a newline, a bidirectional override) is
    written as its escape, ``\\x1b``, ``\\n``, ``\\u202e``; letters of any script stay as they are."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _refused(text: str) -> int:
    print(text, file=sys.stderr)
    return 2


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def _devices(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import UnknownSubject, list_devices, revoke_device

    if args.devices_command == "list":
        found = list_devices(db_url, args.store)
        print(f"{'id':>6} {'store':>5}  {'kind':<6}  {'enrolled (UTC)':<16}  {'revoked (UTC)':<16}  name")
        for d in found:
            why = f"  ({_shown(d.revoked_reason)})" if d.revoked_reason else ""
            revoked = (_when(d.revoked_at) if d.revoked_at else "yes") if d.revoked else "-"
            enrolled, name = _when(d.enrolled_at), _shown(d.name)
            print(f"{d.id:>6} {d.store_id:>5}  {d.kind:<6}  {enrolled:<16}  {revoked:<16}  {name}{why}")
        print(f"{len(found)} devices, {sum(1 for d in found if d.revoked)} revoked", file=sys.stderr)
        return 0
    try:
        device, now = revoke_device(db_url, args.device, args.reason)
    except UnknownSubject:
        return _refused(f"There is no device {args.device} in that database.")
    if not now:
        print(f"device {device.id} was already revoked ({_when(device.revoked_at)} UTC); nothing changed")
        return 0
    print(
        f"device {device.id} ({device.kind} at store {device.store_id}) revoked: it can no longer reach "
        "the hub; to use it again, enroll it with a new code"
    )
    return 0


def _rotate_key(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import rotate_key
    from storeassist.hub.keys import MAX_KEY_ID, KeyIdsExhausted

    try:
        old, new = rotate_key(db_url)
    except KeyIdsExhausted:
        return _refused(
            f"Every signing key id (1 to {MAX_KEY_ID}) is taken, so no new key can be made; "
            "nothing was changed and the current key still signs new codes."
        )
    kept = f"; key {old} stays published, so codes it signed still verify" if old is not None else ""
    print(f"signing key {new} now signs new codes{kept}")
    return 0


def _retire_key(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import UnknownSubject, retire_key
    from storeassist.hub.keys import KeyStillSigns

    try:
        retired = retire_key(db_url, args.key)
    except UnknownSubject:
        return _refused(f"There is no signing key {args.key} in that database; nothing was changed.")
    except KeyStillSigns:
        return _refused(
            f"Signing key {args.key} signs new codes, so it cannot be retired; run rotate-key first, "
            "then retire it."
        )
    if not retired.now:
        when = _when(retired.retired_at)
        print(f"signing key {retired.key_id} was already retired ({when} UTC); nothing changed")
        return 0
    print(
        f"signing key {retired.key_id} retired: the hub refuses every code it signed and no longer "
        "publishes it; devices drop it at their next key fetch (every ten minutes while they reach the hub)"
    )
    signing = retired.signing_key_id
    again = f": printed again, they are signed with key {signing}" if signing is not None else ""
    print(
        f"Warning: every code signed with key {retired.key_id} (printed loyalty cards, staff badges, order "
        f"codes, receipts) is now refused and must be reissued{again}.",
        file=sys.stderr,
    )
    return 0


def _revoke_card(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import UnknownSubject, revoke_card

    try:
        serial = revoke_card(db_url, args.customer)
    except UnknownSubject:
        return _refused(f"There is no customer {args.customer} in that database.")
    print(
        f"customer {args.customer}: every card printed so far is cancelled (devices hear of it at their "
        f"next sync); the next card printed carries serial {serial}"
    )
    return 0


def _revoke_badge(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import UnknownSubject, revoke_badge

    try:
        serial = revoke_badge(db_url, args.staff)
    except UnknownSubject:
        return _refused(f"There is no staff member {args.staff} in that database.")
    print(
        f"staff {args.staff}: every badge printed so far is cancelled and their sign-ins ended; "
        f"the next badge printed carries serial {serial}"
    )
    return 0


def _audit_export(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import BadDayRange, check_day_range, export_audit

    try:  # before a file is opened: a refused range leaves no empty file behind
        check_day_range(args.first, args.last)
    except BadDayRange as exc:
        return _refused(str(exc))
    if args.out is None:
        count = export_audit(db_url, args.first, args.last, args.format, sys.stdout)
        where = "standard output"
    else:
        try:
            with args.out.open("w", encoding="utf-8", newline="") as out:
                count = export_audit(db_url, args.first, args.last, args.format, out)
        except OSError as exc:
            return _refused(f"{args.out} could not be written: {exc.strerror or exc}")
        where = str(args.out.resolve())
    print(f"{count} audit rows of {args.first} to {args.last} (UTC) written to {where}", file=sys.stderr)
    return 0


IT_COMMANDS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "devices": _devices,
    "rotate-key": _rotate_key,
    "retire-key": _retire_key,
    "revoke-card": _revoke_card,
    "revoke-badge": _revoke_badge,
    "audit-export": _audit_export,
}
