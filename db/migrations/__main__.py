"""Draft the next schema revision from the models: ``python -m db.migrations "what changes"``.

For developers. A scratch database is built from the revisions already there, compared
with the models (``db.models``, ``db.exchange_models``), and the differences are written
as batch operations into ``versions/000N_what_changes.py``, N being the next schema
version. The draft is a start: data to fill, a type to convert and the docstring are the
developer's to write (README, Development notes).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from db import migrations


def main(argv: list[str]) -> int:
    message = " ".join(argv).strip()
    if not message:
        print('Cách dùng: python -m db.migrations "thay đổi gì trong lược đồ"', file=sys.stderr)
        return 2
    from db import exchange_models  # noqa: F401 -- every table in the metadata
    from db.database import upgrade_engine
    from db.models import Base

    current = migrations.head()
    assert current is not None
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "scratch.sqlite"
        scratch.touch()  # an empty file is an empty SQLite database
        engine = upgrade_engine(scratch)
        try:
            with engine.begin() as connection:
                command.upgrade(migrations.config(connection), current)
                script = command.revision(
                    migrations.config(connection, target_metadata=Base.metadata),
                    message=message,
                    autogenerate=True,
                    rev_id=migrations.revision_of(migrations.version_of(current) + 1),
                )
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    print(f"Đã viết bản nháp {script.path}: hãy đọc lại, rồi tăng SCHEMA_VERSION trong db/file_format.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
