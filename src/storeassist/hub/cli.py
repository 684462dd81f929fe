"""``storeassist-hub``: seed a demo chain, serve the API, upgrade the schema, enroll devices, print
demo codes. ``--db`` takes a SQLite path or a database URL (``postgresql://…`` uses psycopg 3).

``serve`` never upgrades on its own: on an out-of-date database it stops and names the
``upgrade`` command (run it after a backup). Exit codes: 0 done, 1 failed, 2 refused (bad input,
out-of-date schema, non-empty seed target).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from storeassist.hub.db.session import normalise_url

log = logging.getLogger("storeassist.hub")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storeassist-hub", description="StoreAssist hub: the reference back office."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db_option(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--db", required=True, help="SQLite file path or database URL")

    seed = commands.add_parser("seed", help="build a deterministic demo chain in a new database")
    db_option(seed)
    seed.add_argument("--stores", type=int, default=5)
    seed.add_argument("--products", type=int, default=500)
    seed.add_argument("--customers", type=int, default=2000)
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--replace", action="store_true", help="delete what the database holds first")
    seed.add_argument("--workers", type=int, default=None, help="customer generator processes")

    serve = commands.add_parser(
        "serve", help="serve the HTTP API (one uvicorn worker; 2 request threads on SQLite, 16 on PostgreSQL)"
    )
    db_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--docs", action="store_true", help="also serve the interactive API pages /docs and /redoc"
    )

    upgrade = commands.add_parser("upgrade", help="migrate the database schema to this version")
    db_option(upgrade)

    enroll = commands.add_parser("enroll-code", help="print a one-time device enrollment code (24 h)")
    db_option(enroll)
    enroll.add_argument("--store", type=int, required=True)

    codes = commands.add_parser("demo-codes", help="write QR codes for demo customers and pickup orders")
    db_option(codes)
    codes.add_argument("--out", type=Path, required=True)
    codes.add_argument("--store", type=int, default=1)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # seed workers in a frozen build
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    db_url = normalise_url(args.db)
    try:
        return int(_COMMANDS[args.command](args, db_url))
    except KeyboardInterrupt:
        return 130


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
    from storeassist.hub.server import serve_forever

    try:
        serve_forever(db_url, host=args.host, port=args.port, serve_docs=args.docs)
    except SchemaOutOfDate as exc:
        print(f"Not serving: {exc}", file=sys.stderr)
        return 2
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


_COMMANDS = {
    "seed": _seed,
    "serve": _serve,
    "upgrade": _upgrade,
    "enroll-code": _enroll_code,
    "demo-codes": _demo_codes,
}

if __name__ == "__main__":
    raise SystemExit(main())
