"""The hub's database: SQLAlchemy models, sessions and Alembic migrations."""
