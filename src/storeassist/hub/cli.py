"""``storeassist-hub``: seed a demo chain, serve the API, upgrade the schema, enroll devices, print
demo codes, import products and stock counts (logged for tablets: ``services.catalog_admin``), and
IT's tools (``hub.cli_it``: list and revoke devices, rotate the signing key and retire an old one,
revoke a loyalty card or a badge, export the audit trail).
``--db`` takes a SQLite path or a database URL (``postgresql://…`` uses psycopg 3).

``serve`` never upgrades on its own: on an out-of-date database it stops and names the
``upgrade`` command (run it after a backup). Only ``seed`` and ``upgrade --create`` make a new
database; every other command refuses a SQLite path where there is no file, so a typing mistake
never starts an empty hub.

Exit codes: 0 done; 1 failed (the database or the port could not be used); 2 refused (bad input,
no such database, out-of-date schema, non-empty seed target, a missing extra). No command prints
a traceback for any of these.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from storeassist.hub.cli_it import IT_COMMANDS, add_it_commands
from storeassist.hub.db.session import normalise_url

log = logging.getLogger("storeassist.hub")


class CommandRefused(Exception):
    """Exit 2 with this sentence: the operator asked for something that cannot be done as asked."""


class CommandFailed(Exception):
    """Exit 1 with this sentence: the database or the network did not let the command finish."""


def _count(text: str) -> int:
    """A whole number of at least 1, for sizes, ids and ports."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: give 1 or more")
    return value


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: give 1 to 65535")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storeassist-hub", description="StoreAssist hub: the reference back office."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db_option(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--db", required=True, help="SQLite file path or database URL")

    seed = commands.add_parser("seed", help="build a deterministic demo chain in a new database")
    db_option(seed)
    seed.add_argument("--stores", type=_count, default=5)
    seed.add_argument("--products", type=_count, default=500)
    seed.add_argument("--customers", type=_count, default=2000)
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--replace", action="store_true", help="delete what the database holds first")
    seed.add_argument("--workers", type=_count, default=None, help="customer generator processes")

    serve = commands.add_parser(
        "serve", help="serve the HTTP API (one uvicorn worker; 2 request threads on SQLite, 16 on PostgreSQL)"
    )
    db_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8765)
    serve.add_argument(
        "--docs", action="store_true", help="also serve the interactive API pages /docs and /redoc"
    )

    upgrade = commands.add_parser("upgrade", help="migrate the database schema to this version")
    db_option(upgrade)
    upgrade.add_argument(
        "--create", action="store_true", help="make a new, empty hub database if there is none at --db"
    )

    enroll = commands.add_parser("enroll-code", help="print a one-time device enrollment code (24 h)")
    db_option(enroll)
    enroll.add_argument("--store", type=_count, required=True)

    products = commands.add_parser(
        "import-products", help="add or update products from JSON Lines (one contract Product a line)"
    )
    db_option(products)
    products.add_argument("file", type=Path, metavar="FILE.jsonl")

    stock = commands.add_parser("import-stock", help="set a store's on-hand counts from CSV (sku,on_hand)")
    db_option(stock)
    stock.add_argument("--store", type=_count, required=True)
    stock.add_argument("file", type=Path, metavar="FILE.csv")

    codes = commands.add_parser("demo-codes", help="write QR codes for demo customers and pickup orders")
    db_option(codes)
    codes.add_argument("--out", type=Path, required=True)
    codes.add_argument("--store", type=_count, default=1)
    add_it_commands(commands, db_option)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # seed workers in a frozen build
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are not for operators
    db_url = normalise_url(args.db)
    try:
        if args.command != "seed" and not getattr(args, "create", False):
            _require_existing(args.db, db_url)
        return int(_COMMANDS[args.command](args, db_url))
    except KeyboardInterrupt:
        return 130
    except CommandRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    except CommandFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("psycopg"):
            print(
                "PostgreSQL needs the 'postgres' extra: uv sync --locked --extra postgres",
                file=sys.stderr,
            )
            return 2
        raise
    except SQLAlchemyError as exc:
        print(f"The database could not be used: {_reason(exc)}", file=sys.stderr)
        return 1


def _require_existing(given: str, db_url: str) -> None:
    """Refuse a SQLite path with no file behind it (only ``seed`` makes a new database)."""
    if not db_url.startswith("sqlite:///"):
        return
    path = Path(db_url.removeprefix("sqlite:///"))
    if path.is_dir():
        raise CommandRefused(f"{given} is a folder, not a hub database.")
    if not path.exists():
        raise CommandRefused(
            f"There is no hub database at {given}. Check the path; "
            f"to make a new one, run: storeassist-hub seed --db {given} "
            f"(a demo chain) or storeassist-hub upgrade --create --db {given} (empty)"
        )


def _reason(exc: Exception) -> str:
    """The first line of the driver's own message (never a traceback or the statement)."""
    origin = getattr(exc, "orig", None) or exc
    return str(origin).strip().splitlines()[0] if str(origin).strip() else type(origin).__name__


def _seed(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.seed import SeedTargetNotEmpty, seed_chain

    started = time.perf_counter()
    try:
        report = seed_chain(
            db_url,
            stores=args.stores,
            products=args.products,
            customers=args.customers,
            seed=args.seed,
            replace=args.replace,
            workers=args.workers,
        )
    except SeedTargetNotEmpty as exc:
        print(exc, file=sys.stderr)
        return 2
    print(report.summary())
    print(f"seed time: {time.perf_counter() - started:.2f} s")
    return 0


def _serve(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.db.schema import SchemaOutOfDate
    from storeassist.hub.server import PortInUse, serve_forever

    try:
        serve_forever(db_url, host=args.host, port=args.port, serve_docs=args.docs)
    except SchemaOutOfDate as exc:
        print(f"Not serving: {exc}", file=sys.stderr)
        return 2
    except PortInUse as exc:
        raise CommandFailed(str(exc)) from None
    return 0


def _upgrade(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.db.schema import current_revision, upgrade

    before = current_revision(db_url)
    after = upgrade(db_url)
    print(f"schema {before or 'empty'} -> {after}" if before != after else f"schema already at {after}")
    return 0


def _enroll_code(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.admin import ENROLLMENT_CODE_TTL, UnknownSubject, issue_enrollment_code

    try:
        code = issue_enrollment_code(db_url, args.store)
    except UnknownSubject:
        print(f"There is no store {args.store} in that database.", file=sys.stderr)
        return 2
    print(code)
    print(f"(one device, within {ENROLLMENT_CODE_TTL.total_seconds() / 3600:.0f} h)", file=sys.stderr)
    return 0


def _demo_codes(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.demo_codes import describe_sheet, write_demo_codes

    cards = write_demo_codes(db_url, args.out, store_id=args.store)
    print(f"wrote {describe_sheet(cards)} to {args.out.resolve()}")
    print(f"open {(args.out / 'index.html').resolve()} to see whose code is whose")
    return 0


def _read_import(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandRefused(f"{path} could not be read: {exc}") from None


def _import_products(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.services.catalog_admin import BadImportLine, read_products, upsert_products
    from storeassist.hub.services.database import HubDatabase

    try:
        products = read_products(_read_import(args.file))
    except BadImportLine as exc:
        raise CommandRefused(f"{args.file}: {exc}") from None
    db = HubDatabase(db_url)
    try:
        with db.writing() as session:
            report = upsert_products(session, products)
    except BadImportLine as exc:
        raise CommandRefused(f"{args.file}: {exc}") from None
    finally:
        db.dispose()
    print(f"products: {report.added} added, {report.updated} updated")
    return 0


def _import_stock(args: argparse.Namespace, db_url: str) -> int:
    from storeassist.hub.services.catalog_admin import BadImportLine, read_counts, set_stock_counts
    from storeassist.hub.services.database import HubDatabase
    from storeassist.hub.services.errors import NotFound

    try:
        counts = read_counts(_read_import(args.file))
    except BadImportLine as exc:
        raise CommandRefused(f"{args.file}: {exc}") from None
    db = HubDatabase(db_url)
    try:
        with db.writing() as session:
            changed = set_stock_counts(session, args.store, counts)
    except NotFound as exc:
        raise CommandRefused(str(exc)) from None
    finally:
        db.dispose()
    print(f"stock: {changed} counts set at store {args.store}")
    return 0


_COMMANDS = {
    "seed": _seed,
    "serve": _serve,
    "upgrade": _upgrade,
    "enroll-code": _enroll_code,
    "demo-codes": _demo_codes,
    "import-products": _import_products,
    "import-stock": _import_stock,
    **IT_COMMANDS,
}

if __name__ == "__main__":
    raise SystemExit(main())
