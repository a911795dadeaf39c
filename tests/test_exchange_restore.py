"""After the synthesis office's database is restored from a backup, the exchange recovers by itself.

Keys have random ids and every installation (issued setup) keeps its own last sequence:
files newer than what the restored copy knows are accepted; a file signed with a key
issued after the backup says exactly that, never "tệp đã bị sửa"; setup files are
ordered by their time of issue, so a setup re-issued from the restored copy installs
over a later-numbered but earlier-issued one, and an earlier one is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bkdesk.exchange import signing
from bkdesk.exchange.submission import read_submission, write_submission
from db.backups import create_backup, list_backups, restore_backup
from db.database import Database
from db.department_setup import install_setup, unlock_setup
from db.errors import StoreError
from db.exchange_models import DepartmentIdentity, IssuedSetup
from db.issue import issue_department
from db.schema import open_database
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from tests.fixtures.commands import dump, run_main
from tests.fixtures.exchange import OFFICE, YEAR, Phong, issue_phong
from tests.fixtures.keys import printed_passphrase

NEWER_KEY = "khóa ký của phòng KT mới hơn bản sao lưu này: hãy khôi phục bản sao lưu mới hơn hoặc cấp lại tệp thiết lập"


def estimate(db: Database, code: str) -> str:
    return next(r.estimate for r in load_rows(db, YEAR) if r.indicator.code == code)


def installations(db: Database) -> dict[str, int]:
    """Each issued setup's last sequence, by key id."""
    with db.read() as session:
        return {row.key_id: row.last_sequence for row in session.scalars(select(IssuedSetup))}


@pytest.fixture
def office(db_path: Path) -> Iterator[Database]:
    from db.demo import install_demo

    database = open_database(db_path)
    install_demo(database, actor=OFFICE)
    yield database
    database.dispose()


@pytest.fixture
def kt(office: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(office, "KT", tmp_path / "phong")
    yield made
    made.db.dispose()


def take(office: Database, *files: Path) -> list[tuple[ImportStatus, int | None, str]]:
    return [(o.status, o.sequence, o.reason) for o in import_submissions(office, list(files), actor=OFFICE)]


def restored(office: Database, db_path: Path, backup: Path) -> Database:
    """The synthesis office's file deleted, then the backup restored and opened again."""
    office.dispose()
    for leftover in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    restore_backup(db_path, backup)
    return open_database(db_path)


def test_files_newer_than_the_restored_copy_are_all_accepted(
    office: Database, kt: Phong, db_path: Path, tmp_path: Path
) -> None:
    kt.enter("A.2", "3.100")
    assert take(office, kt.submit(tmp_path))[0][:2] == (ImportStatus.ACCEPTED, 1)
    backup = create_backup(db_path).path
    kt.enter("A.2", "3.150")
    second = kt.submit(tmp_path)
    kt.enter("A.2", "3.200")
    third = kt.submit(tmp_path)
    assert [o[:2] for o in take(office, second, third)] == [(ImportStatus.ACCEPTED, 2), (ImportStatus.ACCEPTED, 3)]
    key_id = read_submission(third.read_bytes()).submission.key_id
    assert installations(office)[key_id] == 3

    again = restored(office, db_path, backup)
    try:
        assert installations(again)[key_id] == 1 and estimate(again, "A.2") == "3.100"
        kt.enter("A.2", "3.250")
        fourth = kt.submit(tmp_path)
        outcomes = take(again, second, third, fourth)
        assert [o[:2] for o in outcomes] == [
            (ImportStatus.ACCEPTED, 2),
            (ImportStatus.ACCEPTED, 3),
            (ImportStatus.ACCEPTED, 4),
        ], outcomes
        assert estimate(again, "A.2") == "3.250" and installations(again)[key_id] == 4
        # A file sent again under another name is the same file: unchanged.
        copy = tmp_path / "gui-lai.json"
        copy.write_bytes(third.read_bytes())
        assert take(again, copy)[0][0] is ImportStatus.UNCHANGED
    finally:
        again.dispose()


def test_a_file_signed_with_a_key_issued_after_the_backup_says_so_and_changes_nothing(
    office: Database, kt: Phong, db_path: Path, tmp_path: Path
) -> None:
    backup = create_backup(db_path).path
    reissued = issue_department(office, "KT", YEAR, tmp_path / "kt-moi.setup", actor=OFFICE)
    install_setup(kt.db, tmp_path / "kt-moi.setup", actor=kt.officer, passphrase=reissued.passphrase)
    again = restored(office, db_path, backup)
    try:
        kt.enter("A.2", "3.100")
        file = kt.submit(tmp_path)
        before = dump(db_path)
        ((status, _sequence, reason),) = take(again, file)
        assert status is ImportStatus.REFUSED and reason == NEWER_KEY
        assert "đã bị sửa" not in reason
        assert dump(db_path) == before

        # The way back: the office issues KT again from the restored copy; its file installs over the one
        # issued after the backup (later in time, whatever the sequence says), and KT's next file is taken.
        third = issue_department(again, "KT", YEAR, tmp_path / "kt-lan-3.setup", actor=OFFICE)
        assert third.sequence == 0  # the restored copy never received anything from KT
        result = install_setup(kt.db, tmp_path / "kt-lan-3.setup", actor=kt.officer, passphrase=third.passphrase)
        assert result.replaced and result.next_sequence == 2  # above what KT sent, not the restored count
        with pytest.raises(StoreError, match=r"kt-moi\.setup cấp lúc .* cũ hơn tệp đã cài"):
            install_setup(kt.db, tmp_path / "kt-moi.setup", actor=kt.officer, passphrase=reissued.passphrase)
        assert estimate(kt.db, "A.2") == "3.050"  # a setup hands over the office's figures
        kt.enter("A.2", "3.120")
        ((status, sequence, reason),) = take(again, kt.submit(tmp_path))
        assert (status, sequence) == (ImportStatus.ACCEPTED, 2), reason
        assert estimate(again, "A.2") == "3.120"
    finally:
        again.dispose()


def test_a_key_the_database_issued_earlier_is_still_called_old_not_unknown(
    office: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.2", "3.100")
    old_pc_file = kt.submit(tmp_path)
    issue_department(office, "KT", YEAR, tmp_path / "kt-moi.setup", actor=OFFICE)
    ((status, _sequence, reason),) = take(office, old_pc_file)
    assert status is ImportStatus.REFUSED and "khóa cũ của phòng KT" in reason


def test_key_ids_of_the_first_release_stay_valid_and_its_plain_key_leaves_the_database(
    office: Database, kt: Phong, tmp_path: Path, keyring_backend: object
) -> None:
    """A pair of databases upgraded from schema 2: the key id derived from the public key, the phòng's key in
    the clear. The first file it signs moves the key into this PC's store; the office accepts it by that id."""
    private = unlock_setup(kt.setup, kt.passphrase).private_key
    public = signing.public_key_of(private)
    legacy = signing.legacy_key_id(public)
    with office.begin() as session:
        issued = session.scalars(select(IssuedSetup)).one()
        issued.key_id = legacy
    with kt.db.begin() as session:
        identity = session.scalars(select(DepartmentIdentity)).one()
        identity.key_id, identity.key_store, identity.sealed_key = legacy, "", ""
        identity.legacy_private_key = private
        setup_id = identity.setup_id
    entries: dict[tuple[str, str], str] = keyring_backend.entries  # type: ignore[attr-defined]
    entries.clear()

    kt.enter("A.2", "3.100")
    file = kt.submit(tmp_path)
    assert read_submission(file.read_bytes()).submission.key_id == legacy
    assert take(office, file)[0][:2] == (ImportStatus.ACCEPTED, 1)
    with kt.db.read() as session:
        identity = session.scalars(select(DepartmentIdentity)).one()
        assert (identity.legacy_private_key, identity.key_store) == ("", "keyring")
    assert entries[("bkdesk", setup_id)] == private
    assert private not in "\n".join(dump(kt.db.path))  # type: ignore[arg-type]


def test_a_key_id_issued_to_another_phong_is_a_forged_file_not_a_restore(
    office: Database, kt: Phong, tmp_path: Path
) -> None:
    yt = issue_phong(office, "YT", tmp_path / "yt")
    try:
        yt_key = unlock_setup(yt.setup, yt.passphrase)
        kt.enter("A.2", "3.100")
        original = read_submission(kt.submit(tmp_path).read_bytes()).submission
        forged = tmp_path / "gia-mao.json"
        forged.write_bytes(write_submission(replace(original, key_id=yt_key.setup.key_id), yt_key.private_key))
        ((status, _sequence, reason),) = take(office, forged)
        assert status is ImportStatus.REFUSED
        assert (
            reason == "chữ ký không hợp lệ: tệp đã bị sửa sau khi ký, hoặc không được ký bằng khóa đã cấp cho phòng KT"
        )
    finally:
        yt.db.dispose()


@pytest.mark.slow
def test_the_office_deletes_its_database_restores_the_newest_backup_and_takes_every_later_file(
    tmp_path: Path,
) -> None:
    """As the synthesis office and a phòng run it, each command its own ``python main.py`` process."""

    def ok(*args: str | Path, env: dict[str, str] | None = None) -> str:
        done = run_main(*args, env=env)
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    office, kt = tmp_path / "tonghop.sqlite", tmp_path / "kt.sqlite"
    ok("demo", "--db", office)
    issued = ok(
        "issue-department", "--department", "KT", "--year", YEAR, "--out", tmp_path / "kt.setup", "--db", office
    )
    secret = {"BKDESK_PASSPHRASE": printed_passphrase(issued)}
    ok("setup", tmp_path / "kt.setup", "--db", kt, env=secret)
    files = []
    for number, figure in enumerate(("3.100", "3.150", "3.200", "3.250"), start=1):
        ok("set-value", "A.2", figure, "--db", kt)
        files.append(tmp_path / f"KT-{number}.json")
        ok("export-submission", "--year", YEAR, "--out", files[-1], "--db", kt)
    assert "1 đã nhận" in ok("import-submissions", files[0], "--db", office)
    ok("backups", "create", "--db", office)
    assert "2 đã nhận" in ok("import-submissions", files[1], files[2], "--db", office)
    for leftover in (office, office.with_name(office.name + "-wal"), office.with_name(office.name + "-shm")):
        leftover.unlink(missing_ok=True)
    newest = list_backups(office)[0].path.name
    assert "Đã khôi phục" in ok("backups", "restore", newest, "--db", office)
    out = ok("import-submissions", files[1], files[2], files[3], "--db", office)
    assert "KT-2.json: đã nhận (phòng KT, số thứ tự 2)" in out
    assert "KT-4.json: đã nhận (phòng KT, số thứ tự 4)" in out and "3 đã nhận" in out

    # Backed up, re-issued, then that backup restored: KT's file signed with the new key says what happened.
    before_reissue = list_backups(office)[0].path.name
    ok("backups", "create", "--db", office)
    before_reissue = list_backups(office)[0].path.name
    issued = ok(
        "issue-department", "--department", "KT", "--year", YEAR, "--out", tmp_path / "kt2.setup", "--db", office
    )
    ok("setup", tmp_path / "kt2.setup", "--db", kt, env={"BKDESK_PASSPHRASE": printed_passphrase(issued)})
    ok("backups", "restore", before_reissue, "--db", office)
    ok("set-value", "A.2", "3.300", "--db", kt)
    ok("export-submission", "--year", YEAR, "--out", tmp_path / "KT-5.json", "--db", kt)
    refused = run_main("import-submissions", tmp_path / "KT-5.json", "--db", office)
    assert refused.returncode == 1
    assert f"KT-5.json: bị từ chối — {NEWER_KEY}" in refused.stdout, refused.stdout
