"""Alembic migrations of the service's database (run at start, under a lock)."""
