"""The CLI as a user runs it: ``python main.py demo`` then ``evaluate``, ``set-value``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.commands import run_main as run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    result = run("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "105 chỉ tiêu mới" in result.stdout
    return path


def test_evaluate_json_has_the_documented_shape(demo_file: Path) -> None:
    result = run("evaluate", "--year", "2020", "--db", str(demo_file), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"year", "period", "rows", "summary"}
    assert (data["year"], data["period"]) == (2020, "uoc")
    assert len(data["rows"]) == 98
    pig = next(row for row in data["rows"] if row["code"] == "A.8")
    assert pig == {
        "code": "A.8",
        "stt": "8",
        "name": "Đàn lợn",
        "unit": "con",
        "group": "A",
        "target": "25.500",
        "estimate": "21.246",
        "computed_verdict": "Không đạt",
        "verdict": "Không đạt",
        "reported_verdict": "Không đạt",
        "pct_plan": 83.32,
        "pct_last_year": 144.55,
        "reported_pct_last_year": "144,55",
        "last_year": "",
        "last_year_source": "ty-le-in",
        "last_year_note": "",
        "warnings": [],
    }
    assert data["summary"] == {"counted": 59, "Vượt": 23, "Đạt": 27, "Không đạt": 9, "Chưa đánh giá": 0}
    assert [row["code"] for row in data["rows"]][:5] == ["A", "A.1", "A.1.a", "A.1.b", "A.1.c"]
    d5 = next(row for row in data["rows"] if row["code"] == "D.5")
    assert (d5["computed_verdict"], d5["verdict"]) == ("", "Đạt")
    e3 = next(row for row in data["rows"] if row["code"] == "E.3")
    assert (e3["verdict"], e3["reported_verdict"]) == ("Vượt", "Đạt")
    assert e3["warnings"] == ["Đánh giá trong biểu (Đạt) khác đánh giá theo quy tắc (Vượt)"]


def test_evaluate_prints_a_readable_table(demo_file: Path) -> None:
    result = run("--db", str(demo_file), "evaluate", "--year", "2020")
    assert result.returncode == 0, result.stderr
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ" in result.stdout
    assert "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt." in result.stdout
    assert "D.5: đánh giá đã điều chỉnh" in result.stdout


def test_a_year_without_a_table_is_an_error_not_an_empty_success(demo_file: Path) -> None:
    result = run("evaluate", "--year", "2019", "--db", str(demo_file), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Chưa có biểu chỉ tiêu năm 2019 (có biểu các năm: 2020, 2021)" in result.stderr
    assert "Traceback" not in result.stderr


def test_set_value_refuses_bad_numbers_and_stores_good_ones(tmp_path: Path, demo_file: Path) -> None:
    db = tmp_path / "copy.sqlite"
    db.write_bytes(demo_file.read_bytes())
    bad = run("set-value", "A.8", "1.5", "--db", str(db))
    assert bad.returncode == 2
    assert 'A.8 Đàn lợn: "1.5": dấu chấm chỉ dùng để tách hàng nghìn; số thập phân viết 1,5' in bad.stderr
    good = run("set-value", "A.8", "26000", "--note", "Ước theo tháng 11", "--db", str(db))
    assert good.returncode == 0, good.stderr
    assert "A.8 năm 2020: giá trị «21.246» → «26.000»" in good.stdout
    data = json.loads(run("evaluate", "--year", "2020", "--db", str(db), "--json").stdout)
    pig = next(row for row in data["rows"] if row["code"] == "A.8")
    assert (pig["estimate"], pig["verdict"]) == ("26.000", "Vượt")


def test_the_default_database_is_used_without_db(tmp_path: Path) -> None:
    env = {"BKDESK_DATA_DIR": str(tmp_path / "data")}
    assert run("demo", env=env).returncode == 0
    assert (tmp_path / "data" / "bkdesk.sqlite").exists()
    assert run("evaluate", "--year", "2021", "--json", env=env).returncode == 0


def test_db_url_picks_any_sqlalchemy_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'url.sqlite'}"
    assert run("demo", "--db-url", url).returncode == 0
    assert json.loads(run("evaluate", "--year", "2020", "--json", "--db-url", url).stdout)["summary"]["counted"] == 59


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "evaluate", "set-value"):
        assert command in result.stdout


def test_an_unexpected_failure_shows_a_message_and_logs_the_trace(tmp_path: Path) -> None:
    # A directory where the database file should be: the user sees one Vietnamese line.
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    result = run("evaluate", "--year", "2020", "--db", str(folder), env={"BKDESK_DATA_DIR": str(tmp_path / "d")})
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: ") and "Traceback" not in result.stderr


def test_set_value_without_a_year_enters_the_year_being_estimated(tmp_path: Path, demo_file: Path) -> None:
    # The demo has the 2020 table with figures and the 2021 table with targets only.
    db = tmp_path / "copy.sqlite"
    db.write_bytes(demo_file.read_bytes())
    result = run("set-value", "A.2", "3080", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "A.2 năm 2020: giá trị «3.050» → «3.080»" in result.stdout


def test_demo_completes_a_demo_the_first_release_left_without_its_override(tmp_path: Path) -> None:
    """The first release stored D 5's override after the tables, in a second transaction a kill could stop (49/59).

    ``demo`` adds the override and nothing else: no figure of the file changes.
    """
    from bkdesk.demo import demo_data
    from db.demo import DEMO_SOURCE
    from db.schema import open_database
    from db.table_store import store_table, upsert_departments
    from tests.fixtures.commands import dump

    path = tmp_path / "nua-chung.sqlite"
    db = open_database(path)
    data = demo_data()
    with db.begin() as session:  # the first release's first transaction, and no second one
        upsert_departments(session, list(data.departments))
        for table in data.tables:
            store_table(session, table, actor="kiểm thử", source=DEMO_SOURCE)
    db.dispose()
    assert "Đạt và vượt 49/59 chỉ tiêu" in run("evaluate", "--year", "2020", "--db", str(path)).stdout
    before = set(dump(path))

    result = run("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Đã nạp số liệu mẫu Bắc Kạn 2020 vào {path}: 0 chỉ tiêu mới, 0 giá trị thay đổi.",
        "Điều chỉnh đánh giá D.5: «» → «Đạt»",
    ]
    assert (
        "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt."
        in run("evaluate", "--year", "2020", "--db", str(path)).stdout
    )
    after = set(dump(path))
    assert before - after == set()
    added = sorted(line.split(" VALUES")[0] for line in after - before)
    assert added == ['INSERT INTO "audit_log"', 'INSERT INTO "verdict_overrides"']
