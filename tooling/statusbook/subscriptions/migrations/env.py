"""Alembic's environment: always online, on the connection the service hands over.

The service runs migrations itself at start (``store.migrate``), so there is no
``alembic.ini`` and no URL here: the caller puts its open connection in
``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from statusbook.subscriptions.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
