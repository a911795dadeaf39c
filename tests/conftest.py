"""Test set-up shared by the whole suite.

Qt must not look for a display (CI has none): the platform is set here, before any
test module imports PySide6. No test touches the user's own data or settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The order the tests ran in, at the end where a failure is read (``-q`` hides pytest-randomly's header)."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(f"Tests ran in random order: repeat it with --randomly-seed={seed}")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the default database and Qt settings at a fresh folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BKDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    yield


@pytest.fixture(autouse=True)
def keyring_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A working keyring in memory for every test, and the null one for the commands a test starts.

    The user's own keyring is never read or written: not here (``keyring.set_keyring``), not
    in a ``python main.py`` child (``PYTHON_KEYRING_BACKEND``, where bkdesk then keeps keys in
    the test's config folder).
    """
    import keyring
    from keyring.backends import null

    from tests.fixtures.keys import NULL_BACKEND, MemoryKeyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NULL_BACKEND)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(null.Keyring())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bkdesk.sqlite"


@pytest.fixture
def demo_db(db_path: Path):  # type: ignore[no-untyped-def]
    """A database with the Bắc Kạn demo data, opened through the public services."""
    from db.demo import install_demo
    from db.schema import open_database

    database = open_database(db_path)
    install_demo(database, actor="kiểm thử")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_evaluation():  # type: ignore[no-untyped-def]
    """The demo's 2020 evaluation built from the core alone, D 5's override included.

    A frozen plain object, as the report module receives it: tests of the report share
    one and need no database.
    """
    from bkdesk.evaluation import evaluate_table
    from tests.fixtures.seed import seed_rows

    return evaluate_table(2020, seed_rows(with_overrides=True))
