"""Where a phòng's PC keeps its signing key, and what a database copied without it can do: sign nothing.

Every test runs with an in-memory keyring (tests/conftest.py); the ones here also break
it, take it away, or move the user's config folder, as another PC would.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from db.database import Database
from db.department_setup import install_setup, unlock_setup
from db.errors import StoreError
from db.exchange_models import DepartmentIdentity
from db.issue import issue_department
from db.key_store import CONFIG, KEYRING, SERVICE, key_file
from db.schema import open_database
from db.submission_export import export_submission
from tests.fixtures.commands import dump, run_main
from tests.fixtures.exchange import OFFICE, YEAR, Phong, issue_phong
from tests.fixtures.keys import NULL_BACKEND, LockedKeyring, MemoryKeyring, printed_passphrase

NO_KEY = "Máy này không có khóa ký của phòng KT"


def identity(db: Database) -> DepartmentIdentity:
    with db.read() as session:
        found = session.scalars(select(DepartmentIdentity)).one()
        session.expunge(found)
        return found


@pytest.fixture
def office(demo_db: Database) -> Database:
    return demo_db


def phong(office: Database, folder: Path) -> Iterator[Phong]:
    made = issue_phong(office, "KT", folder)
    yield made
    made.db.dispose()


@pytest.fixture
def kt(office: Database, tmp_path: Path) -> Iterator[Phong]:
    yield from phong(office, tmp_path / "phong")


def refused_export(kt: Phong, out: Path) -> str:
    """Export refused: the message, with the database and the folder exactly as before."""
    assert kt.db.path is not None
    before = dump(kt.db.path)
    with pytest.raises(StoreError) as caught:
        export_submission(kt.db, YEAR, PeriodKind.ESTIMATE, out, actor=kt.officer)
    assert not out.exists() and not list(out.parent.glob(f".{out.name}.*"))
    assert dump(kt.db.path) == before
    return caught.value.message


def test_with_a_working_keyring_the_key_is_there_and_nowhere_in_the_database(
    kt: Phong, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    stored = identity(kt.db)
    assert (stored.key_store, stored.sealed_key, stored.legacy_private_key) == (KEYRING, "", "")
    private = unlock_setup(kt.setup, kt.passphrase).private_key
    # The office issued the file in this same process: its own key for return files is the other entry.
    phong_entries = {key: value for key, value in keyring_backend.entries.items() if not key[1].startswith("office-")}
    assert phong_entries == {(SERVICE, stored.setup_id): private}
    assert len(keyring_backend.entries) == 2
    assert kt.db.path is not None
    content = "\n".join(dump(kt.db.path))
    assert private not in content and kt.passphrase not in content  # neither the key nor the passphrase
    assert not key_file(stored.setup_id).exists()
    assert kt.submit(tmp_path).exists()


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), LockedKeyring()], ids=["fail", "null", "locked"])
def test_without_a_usable_keyring_the_key_is_sealed_with_a_key_in_the_config_folder(
    office: Database, tmp_path: Path, backend: keyring.backend.KeyringBackend
) -> None:
    keyring.set_keyring(backend)
    for kt in phong(office, tmp_path / "phong"):
        stored = identity(kt.db)
        assert stored.key_store == CONFIG and stored.sealed_key and not stored.legacy_private_key
        file = key_file(stored.setup_id)
        config = Path(os.environ["XDG_CONFIG_HOME"])
        assert file.parent == config / "bkdesk" / "keys"
        assert stat.S_IMODE(file.stat().st_mode) == 0o600 and stat.S_IMODE(file.parent.stat().st_mode) == 0o700
        private = unlock_setup(kt.setup, kt.passphrase).private_key
        assert kt.db.path is not None and private not in "\n".join(dump(kt.db.path))
        assert kt.submit(tmp_path).exists()


def test_a_copied_database_on_a_pc_without_the_keyring_entry_signs_nothing(
    kt: Phong, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    keyring_backend.entries.clear()  # the same database on another PC: its keyring never held the key
    message = refused_export(kt, tmp_path / "KT-1.json")
    assert message.startswith(NO_KEY)
    assert "hãy đề nghị văn phòng tổng hợp cấp lại tệp thiết lập" in message and "Không có tệp nào được ghi" in message


def test_a_copied_database_on_a_pc_without_the_config_key_file_signs_nothing(
    office: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    for kt in phong(office, tmp_path / "phong"):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "may-khac" / "config"))  # another PC, another user
        assert refused_export(kt, tmp_path / "KT-1.json").startswith(NO_KEY)
        # The same user folder with another installation's file under that name opens nothing either.
        stored = identity(kt.db)
        key_file(stored.setup_id).parent.mkdir(parents=True)
        key_file(stored.setup_id).write_text("A" * 43 + "=\n", encoding="ascii")
        assert refused_export(kt, tmp_path / "KT-1.json").startswith(NO_KEY)


def test_a_copied_setup_file_without_its_passphrase_signs_nothing(office: Database, kt: Phong, tmp_path: Path) -> None:
    """Someone copies the USB stick and tries every way in without the passphrase."""
    copy = open_database(tmp_path / "ke-gian.sqlite")
    try:
        for guess in ("", "KT", "thiet-lap-KT-2020", "ABCD-EFGH-JKLM-NPQR"):
            with pytest.raises(StoreError) as caught:
                install_setup(copy, kt.setup, actor="người lạ", passphrase=guess)
            assert caught.value.message.startswith("Cụm mật khẩu không đúng với tệp thiết lập thiet-lap-KT-2020.setup")
        with copy.read() as session:
            assert session.scalars(select(DepartmentIdentity)).first() is None
        with pytest.raises(StoreError, match="Chỉ cơ sở dữ liệu của một phòng"):
            export_submission(copy, YEAR, PeriodKind.ESTIMATE, tmp_path / "gia.json", actor="người lạ")
    finally:
        copy.dispose()


def test_the_same_setup_again_with_its_passphrase_gives_a_pc_its_key_back(
    kt: Phong, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    keyring_backend.entries.clear()
    result = install_setup(kt.db, kt.setup, actor=kt.officer, passphrase=kt.passphrase)
    assert result.already_installed and result.key_restored and result.values_changed == 0
    assert kt.submit(tmp_path).exists()
    again = install_setup(kt.db, kt.setup, actor=kt.officer, passphrase=kt.passphrase)
    assert again.already_installed and not again.key_restored


def test_a_newer_setup_takes_the_old_installations_key_off_the_pc(
    office: Database, kt: Phong, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    old = identity(kt.db).setup_id
    reissued = issue_department(office, "KT", YEAR, tmp_path / "kt-moi.setup", actor=OFFICE)
    install_setup(kt.db, tmp_path / "kt-moi.setup", actor=kt.officer, passphrase=reissued.passphrase)
    new = identity(kt.db).setup_id
    phong_entries = {key for key in keyring_backend.entries if not key[1].startswith("office-")}
    assert phong_entries == {(SERVICE, new)} and new != old


def test_a_keyring_that_stops_answering_after_setup_is_said_and_nothing_is_written(kt: Phong, tmp_path: Path) -> None:
    keyring.set_keyring(LockedKeyring())
    message = refused_export(kt, tmp_path / "KT-1.json")
    assert message.startswith("Không đọc được khóa ký từ kho khóa của hệ điều hành")
    assert "Không có tệp nào được ghi" in message and "Locked" not in message


def test_a_failed_setup_leaves_no_key_behind(office: Database, kt: Phong, keyring_backend: MemoryKeyring) -> None:
    """YT's setup file on KT's database is refused: YT's key, stored before the check, is taken off again."""
    yt = issue_department(office, "YT", YEAR, kt.setup.with_name("yt.setup"), actor=OFFICE)
    before = dict(keyring_backend.entries)
    with pytest.raises(StoreError, match="thuộc phòng KT"):
        install_setup(kt.db, kt.setup.with_name("yt.setup"), actor=kt.officer, passphrase=yt.passphrase)
    assert keyring_backend.entries == before


def test_a_command_with_the_null_keyring_keeps_the_key_in_the_config_folder(demo_db: Database, tmp_path: Path) -> None:
    """``python main.py`` with ``PYTHON_KEYRING_BACKEND`` set to the null keyring: no keyring, the config folder."""
    assert os.environ["PYTHON_KEYRING_BACKEND"] == NULL_BACKEND  # every child of the suite, never the user's
    assert demo_db.path is not None
    issued = run_main(
        "issue-department", "--department", "KT", "--year", YEAR, "--out", tmp_path / "kt.setup", "--db", demo_db.path
    )
    assert issued.returncode == 0, issued.stderr
    passphrase = printed_passphrase(issued.stdout)
    done = run_main(
        "setup", tmp_path / "kt.setup", "--db", tmp_path / "kt.sqlite", env={"BKDESK_PASSPHRASE": passphrase}
    )
    assert done.returncode == 0, done.stderr
    assert "Máy này không có kho khóa dùng được" in done.stdout
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "bkdesk" / "keys"
    keys = [key for key in folder.glob("*.key") if not key.name.startswith("office-")]
    assert len(keys) == 1 and stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    # The office's key for return files, made with the first setup file it issued, is kept the same way.
    (office_key,) = folder.glob("office-*.key")
    assert stat.S_IMODE(office_key.stat().st_mode) == 0o600
    exported = run_main(
        "export-submission", "--year", YEAR, "--out", tmp_path / "KT-1.json", "--db", tmp_path / "kt.sqlite"
    )
    assert exported.returncode == 0, exported.stderr
    # The passphrase went through the environment only: not into the log, the audit or either database.
    log = Path(os.environ["BKDESK_DATA_DIR"]) / "logs" / "bkdesk.log"
    written = log.read_text(encoding="utf-8") if log.exists() else ""
    assert passphrase not in written
    for database in (demo_db.path, tmp_path / "kt.sqlite"):
        assert passphrase not in "\n".join(dump(database))
