"""bkdesk's schema revisions, run with Alembic from the code (no ``alembic.ini``).

Revision ``000N`` (``versions/000N_*.py``) brings a database to schema version N;
``db.file_format.SCHEMA_VERSION`` is the newest. ``meta.schema_version`` mirrors the
revision, written after each step (:func:`mirror_schema_version`), because the file
checks and the first screen read it with ``sqlite3`` alone. A database of the first
release has no ``alembic_version`` table: it is stamped with the revision its
``meta.schema_version`` names, then upgraded from there.

Only :mod:`db.schema` imports this package, and only to create a file or to upgrade
one: opening a database of the current schema never loads Alembic. The folder is found
beside this module, so it travels with the package (an installed wheel, a frozen app
that ships ``db/migrations`` as data). Each revision is frozen once shipped: it names
its tables and columns itself and never imports the models.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext, MigrationInfo
from alembic.script import ScriptDirectory

FOLDER = Path(__file__).resolve().parent  # env.py, script.py.mako and versions/


def revision_of(version: int) -> str:
    """The revision that brings a database to schema ``version``."""
    return f"{version:04d}"


def version_of(revision: str) -> int:
    return int(revision)


def config(connection: sa.Connection | None = None, *, folder: Path | None = None, **attributes: Any) -> Config:
    """Alembic's configuration for ``folder`` (bkdesk's own by default), running on ``connection``."""
    settings = Config()
    # The option goes through ConfigParser's interpolation: a "%" in the path is doubled.
    settings.set_main_option("script_location", str(folder or FOLDER).replace("%", "%%"))
    settings.attributes["connection"] = connection
    settings.attributes.update(attributes)
    return settings


def head(folder: Path | None = None) -> str | None:
    """The newest revision in ``folder``."""
    return ScriptDirectory.from_config(config(folder=folder)).get_current_head()


def recorded_revision(connection: sa.Connection) -> str | None:
    """What ``alembic_version`` says, ``None`` for a database without it (the first release's)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: sa.Connection, stored: int, target: int, *, folder: Path | None = None) -> None:
    """Run the revisions after schema ``stored`` up to ``target`` on ``connection``, in its transaction.

    The caller owns the transaction (Alembic runs inside one it finds open and never
    commits it): every step commits together or none does.
    """
    settings = config(connection, folder=folder)
    if recorded_revision(connection) != revision_of(stored):
        # No record (a file of the first release), or one that disagrees with meta, which
        # every reader trusts: the file is recorded as the revision its meta names.
        command.stamp(settings, revision_of(stored), purge=True)
    command.upgrade(settings, revision_of(target))


def stamp(connection: sa.Connection, version: int) -> None:
    """Record a new database, made from the models, as being at schema ``version``."""
    command.stamp(config(connection), revision_of(version))


_META = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def mirror_schema_version(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """After each upgrade step, ``meta.schema_version`` says the revision it reached."""
    if step.is_stamp or not step.is_upgrade or step.up_revision_id is None:
        return
    value = str(version_of(step.up_revision_id))
    connection = ctx.connection
    assert connection is not None
    written = connection.execute(_META.update().where(_META.c.key == "schema_version").values(value=value))
    if written.rowcount == 0:  # a database built from the first revision on
        connection.execute(_META.insert().values(key="schema_version", value=value))
