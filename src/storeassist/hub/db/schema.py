"""Schema versions of the hub database: upgrade to the newest, ask which one a database is at.

Alembic is configured in code (no ``alembic.ini``) with the migration scripts that ship inside
this package, so ``storeassist-hub upgrade`` works from a checkout, a wheel or a frozen build.
``serve`` refuses a database that is not at :func:`head_revision` (see :func:`require_current`):
upgrading is a deliberate step an operator takes, after a backup, never a side effect of starting.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from storeassist.hub.db.session import make_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this hub needs. ``str()`` says what to run."""

    def __init__(self, db_url: str, current: str | None, head: str) -> None:
        self.current = current
        self.head = head
        found = "no StoreAssist schema" if current is None else f"schema revision {current}"
        super().__init__(
            f"The hub database has {found}; this hub needs revision {head}. "
            f"Back it up, then run: storeassist-hub upgrade --db {_shown_url(db_url)}"
        )


def _shown_url(db_url: str) -> str:
    """The URL as an operator would type it again, without any password."""
    from sqlalchemy.engine import make_url

    url = make_url(normalise_url(db_url))
    if url.get_backend_name() == "sqlite":
        return url.database or db_url
    return url.render_as_string(hide_password=True)


def alembic_config(db_url: str, connection: Connection | None = None) -> Config:
    """An Alembic configuration for ``db_url`` built without any ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be read as interpolation by ConfigParser.
    config.set_main_option("sqlalchemy.url", normalise_url(db_url).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the migration scripts know."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:
        raise RuntimeError("the hub ships no migrations")
    return head


def current_revision(db_url: str) -> str | None:
    """The revision the database is at, or ``None`` for an empty or non-StoreAssist database."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(db_url: str, revision: str = "head") -> str:
    """Bring the database to ``revision`` (default: the newest). Returns the revision reached."""
    command.upgrade(alembic_config(db_url), revision)
    reached = current_revision(db_url)
    assert reached is not None
    return reached


def stamp_head(db_url: str) -> None:
    """Record that the database is at head without running migrations (a freshly seeded schema)."""
    command.stamp(alembic_config(db_url), "head")


def require_current(db_url: str) -> str:
    """Return the revision if the database is at head; otherwise raise :class:`SchemaOutOfDate`."""
    current = current_revision(db_url)
    head = head_revision()
    if current != head:
        raise SchemaOutOfDate(db_url, current, head)
    return current
