"""Alembic's entry point, run only from archive.migrations.migrate on a connection it passes in (there is no
alembic.ini: nobody has to remember to run a migration command)."""

from alembic import context

from archive.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
