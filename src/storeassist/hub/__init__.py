"""The hub: StoreAssist's reference back office (FastAPI + SQLAlchemy)."""
