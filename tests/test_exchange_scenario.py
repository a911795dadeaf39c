"""The whole exchange of a December, as the issue's "done when" tells it.

Three phòng: Kinh tế on two PCs, Y tế on one, Giáo dục without bkdesk, filling its Excel
template twice (the newer fill arrives first). Every figure in the city's table is then
what some phòng deliberately sent, or stays as it was with a conflict for a person; after
the office settles them and sends its return files, every phòng PC shows the city's figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.entry import set_value
from db.feedback_export import export_feedback
from db.feedback_import import import_feedback
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from tests.fixtures.exchange import OFFICE, YEAR, Phong, filled_template, install_again, issue_phong


def figures(db: Database) -> dict[str, str]:
    return {row.indicator.code: row.estimate for row in load_rows(db, YEAR)}


def own_figures(db: Database, code: str) -> dict[str, str]:
    rows = load_rows(db, YEAR)
    return {row.indicator.code: row.estimate for row in rows if row.indicator.department == code}


@pytest.fixture
def pcs(demo_db: Database, tmp_path: Path) -> Iterator[dict[str, Phong]]:
    kt = issue_phong(demo_db, "KT", tmp_path / "kt-a")
    made = {
        "KT-A": kt,
        "KT-B": install_again(kt, tmp_path / "kt-b"),
        "YT": issue_phong(demo_db, "YT", tmp_path / "yt"),
    }
    yield made
    for phong in made.values():
        phong.db.dispose()


def test_a_december_of_three_phong(demo_db: Database, pcs: dict[str, Phong], tmp_path: Path) -> None:
    before = figures(demo_db)
    kt_a, kt_b, yt = pcs["KT-A"], pcs["KT-B"], pcs["YT"]
    kt_a.enter("A.11", "1.400")
    kt_b.enter("A.12", "57")
    kt_b.enter("A.2", "3.100")
    yt.enter("C.2.3", "7,2")
    yt.enter("C.2.1", "13,5")
    set_value(demo_db, "C.2.1", YEAR, "13,4", actor=OFFICE, reason="số của Trung tâm Y tế")  # the city moved too
    first = filled_template(demo_db, "GDDT", tmp_path / "gddt-lan1.xlsx", {"C.1.1.a": "39,5"})
    second = filled_template(demo_db, "GDDT", tmp_path / "gddt-lan2.xlsx", {"C.1.1.a": "40", "C.1.6": "99,9"})

    files = [kt_a.submit(tmp_path / "a"), kt_b.submit(tmp_path / "b"), yt.submit(tmp_path / "y"), second, first]
    outcomes = import_submissions(demo_db, files, actor=OFFICE, accept_unsigned=True)

    assert [o.status for o in outcomes] == [ImportStatus.ACCEPTED] * 5, [o.message for o in outcomes]
    assert "đã được cài trên 2 máy" in outcomes[1].message
    sent = {"A.11": "1.400", "A.12": "57", "A.2": "3.100", "C.2.3": "7,2", "C.1.1.a": "40", "C.1.6": "99,9"}
    conflicts = {(c.indicator_code, c.local, c.incoming) for c in list_conflicts(demo_db, YEAR)}
    assert conflicts == {("C.2.1", "13,4", "13,5"), ("C.1.1.a", "40", "39,5")}
    after = figures(demo_db)
    changed = {code: value for code, value in after.items() if value != before[code]}
    # Every figure that moved is one a phòng sent, or the one the office typed itself (under a conflict).
    assert changed == {**sent, "C.2.1": "13,4"}

    for conflict in list_conflicts(demo_db, YEAR):
        keep = Keep.INCOMING if conflict.indicator_code == "C.2.1" else Keep.LOCAL
        resolve_conflict(demo_db, conflict.id, keep, "đã gọi điện xác nhận với phòng", actor=OFFICE)
    returns = {code: tmp_path / "back" / f"{code}.json" for code in ("KT", "YT")}
    for code, path in returns.items():
        export_feedback(demo_db, code, YEAR, path, actor=OFFICE)
    for name, phong in pcs.items():
        taken = import_feedback(phong.db, returns[phong.code], actor=phong.officer)
        assert taken.choices == (), name
        assert own_figures(phong.db, phong.code) == own_figures(demo_db, phong.code), name
    assert own_figures(kt_b.db, "KT")["A.11"] == "1.400"  # sent by the other PC
    assert own_figures(yt.db, "YT")["C.2.1"] == "13,5"
