"""Rolling a year over: ``new-year --from 2021 --to 2022`` and what the new year then shows."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import round2
from db import tables
from db.audit import history
from db.database import Database
from db.entry import set_value
from db.errors import InvalidInput, StoreError
from db.models import TargetRow
from db.years import create_year
from tests.fixtures.commands import dump, run_main
from tests.fixtures.exchange import issue_phong

# The seed's "B. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU NĂM 2021 — I. Các chỉ tiêu chủ yếu", item by item,
# as the catalogue's codes: what the council passed for 2021.
SEED_2021_TARGETS = {
    # 1. Thu NSNN trên địa bàn đạt 155,5 tỷ đồng.
    "A.5": "155,5",
    # 2. Tổng mức bán lẻ … 3.250 tỷ đồng. Số hộ kinh doanh … 3.600 hộ. Thu nhập bình quân đầu người: 53 triệu.
    "A.2": "3.250",
    "A.16": "3.600",
    "A.4": "53",
    # 3. … 100 triệu đồng/ha trở lên 210 ha; … lương thực có hạt đạt 4.080 tấn; trồng rừng 140 ha; che phủ rừng 66%.
    "A.13": "210",
    "A.6": "4.080",
    "B.7": "140",
    "B.8": "66",
    # 4. … thành lập mới là 02 HTX. Có 02 sản phẩm OCOP mới … Có 01 mô hình HTX kiểu mới …
    "A.14": "02",
    "A.17": "02",
    "A.18": "01",
    # 5. Thôn đạt chuẩn nông thôn mới 3 thôn; thành phố được công nhận hoàn thành nhiệm vụ xây dựng nông thôn mới.
    "A.15.b": "3",
    "A.19": "Hoàn thành",
    # 6. Nước hợp vệ sinh 100%; nước sạch 77%; rác ở đô thị 100%; rác thải ở nông thôn 80%.
    "B.1": "100",
    "B.2": "77",
    "B.3": "100",
    "B.4": "80",
    # 7. Hộ nghèo còn 1,53%; việc làm mới 500 lao động; qua đào tạo 73,2%; bảo hiểm y tế từ 92% trở lên.
    "C.3.9": "1,53",
    "C.3.2": "500",
    "C.3.3": "73,2",
    "C.2.7": "từ 92 trở lên",
    # 8. Tăng dân số tự nhiên 1%; suy dinh dưỡng dưới 12%; tiêm phòng đầy đủ trên 95%.
    "C.2.8": "1",
    "C.2.2": "dưới 12",
    "C.2.5": "trên 95",
    # 9. 100% trẻ 6 tuổi vào lớp 1; tiểu học vào lớp 6 đạt 100%; tốt nghiệp THCS trên 99%; tăng 01 trường chuẩn.
    "C.1.1.c": "100",
    "C.1.1.d": "100",
    "C.1.7": "trên 99",
    "C.1.5": "01",
    # 10. Gia đình văn hoá 95%; cơ quan … chuẩn văn hóa >85%; khu dân cư văn hóa >75%; phường văn minh đô thị 60%.
    "C.4.3": "95",
    "C.4.1": ">85",
    "C.4.2": ">75",
    "C.4.10": "60",
    # 11. Cơ cấu công chức phù hợp 98%; cán bộ cấp xã đại học trở lên 86%; dịch vụ công mức độ 3 là 70%, mức 4 là 50%.
    "E.1": "98",
    "E.5": "86",
    "E.3": "70",
    "E.4": "50",
    # 12. Tuyển quân, bồi dưỡng kiến thức quốc phòng 100%; điều tra, khám phá 85%; tai nạn giao thông giảm.
    "D.1": "100",
    "D.2": "100",
    "D.3": "100",
    "D.4": "85",
    "D.5": "Giảm",
}


def test_the_demo_keeps_2021_with_the_seeds_targets(demo_db: Database) -> None:
    rows = {row.indicator.code: row for row in tables.load_rows(demo_db, 2021)}
    assert {code: row.target for code, row in rows.items() if row.target} == SEED_2021_TARGETS
    assert tables.years(demo_db) == [2020, 2021]


def test_new_year_copies_every_row_of_the_table_with_empty_targets(demo_db: Database) -> None:
    catalogue_before = tables.catalogue(demo_db)
    table_2021 = tables.load_rows(demo_db, 2021)
    table_2020 = tables.load_rows(demo_db, 2020)

    made = create_year(demo_db, 2021, 2022, actor="văn thư tổng hợp")

    assert (made.source, made.year, made.indicators) == (2021, 2022, 52)
    assert tables.years(demo_db) == [2020, 2021, 2022]
    new = tables.load_rows(demo_db, 2022)
    assert [row.indicator for row in new] == [row.indicator for row in table_2021]  # codes, names, parents, phòng
    assert all(row.target == "" for row in new)
    assert all(row.estimate == "" for row in new)
    # Rows that had a target in 2021 stay indicators (not headings) with their target still empty.
    assert next(row for row in new if row.indicator.code == "A.2").target_other_year
    # The places: 2022's positions are 2021's, row for row.
    with demo_db.read() as session:
        positions = {
            year: dict(
                session.execute(select(TargetRow.indicator_id, TargetRow.position).where(TargetRow.year == year)).all()
            )
            for year in (2021, 2022)
        }
    assert positions[2022] == positions[2021]
    # Nothing else moved: the catalogue, the old years' tables and figures.
    assert tables.catalogue(demo_db) == catalogue_before
    assert tables.load_rows(demo_db, 2021) == table_2021
    assert tables.load_rows(demo_db, 2020) == table_2020


def test_new_year_is_audited_once(demo_db: Database) -> None:
    create_year(demo_db, 2021, 2022, actor="văn thư tổng hợp")
    [entry] = history(demo_db, 2022)
    assert (entry.action, entry.actor, entry.year) == ("tạo năm mới", "văn thư tổng hợp", 2022)
    assert (entry.old, entry.new) == ("biểu năm 2021", "biểu năm 2022: 52 chỉ tiêu, nhiệm vụ để trống")


def test_same_period_of_the_new_year_reads_the_old_years_figures(demo_db: Database) -> None:
    create_year(demo_db, 2021, 2022, actor="văn thư tổng hợp")
    set_value(demo_db, "A.2", 2022, "3.400", actor="phòng KT")
    set_value(demo_db, "A.2", 2021, "3.200", actor="phòng KT")  # 2021's estimate, entered after the roll-over
    row = next(row for row in tables.load_rows(demo_db, 2022) if row.indicator.code == "A.2")
    assert row.last_year == "3.200"
    assert round2(tables.evaluate(demo_db, 2022).row("A.2").pct_last_year) == Decimal("106.25")

    # The final result, entered later still, is the one used.
    set_value(demo_db, "A.2", 2021, "3.300", kind=PeriodKind.RESULT, actor="phòng KT")
    row = next(row for row in tables.load_rows(demo_db, 2022) if row.indicator.code == "A.2")
    assert row.last_year == "3.300"
    assert round2(tables.evaluate(demo_db, 2022).row("A.2").pct_last_year) == Decimal("103.03")


def test_a_target_typed_for_the_new_year_is_kept_to_that_year(demo_db: Database) -> None:
    from db.entry import set_target

    create_year(demo_db, 2021, 2022, actor="văn thư tổng hợp")
    set_target(demo_db, "A.2", 2022, "3.500", actor="văn thư tổng hợp")
    assert next(r for r in tables.load_rows(demo_db, 2022) if r.indicator.code == "A.2").target == "3.500"
    assert next(r for r in tables.load_rows(demo_db, 2021) if r.indicator.code == "A.2").target == "3.250"


@pytest.mark.parametrize(
    ("source", "year", "error", "message"),
    [
        (2020, 2021, StoreError, "Năm 2021 đã có biểu chỉ tiêu (52 chỉ tiêu); không tạo lại"),
        (2019, 2022, StoreError, "Chưa có biểu chỉ tiêu năm 2019 để chép sang năm 2022 (có biểu các năm: 2020, 2021)"),
        (2021, 2021, InvalidInput, "Năm mới (2021) phải sau năm nguồn (2021)"),
        (2021, 2020, InvalidInput, "Năm mới (2020) phải sau năm nguồn (2021)"),
        (2021, 10000, InvalidInput, "Năm mới 10000 không hợp lệ: năm phải từ 1900 đến 9999"),
        (1899, 2022, InvalidInput, "Năm nguồn 1899 không hợp lệ: năm phải từ 1900 đến 9999"),
    ],
)
def test_refusals_leave_the_database_as_it_was(
    demo_db: Database, db_path: Path, source: int, year: int, error: type[StoreError], message: str
) -> None:
    before = dump(db_path)
    with pytest.raises(error) as refused:
        create_year(demo_db, source, year, actor="văn thư tổng hợp")
    assert message in refused.value.message
    assert dump(db_path) == before


def test_a_phongs_database_refuses_it(demo_db: Database, tmp_path: Path) -> None:
    phong = issue_phong(demo_db, "KT", tmp_path / "kt")
    with pytest.raises(StoreError) as refused:
        create_year(phong.db, 2020, 2021, actor="cán bộ KT")
    assert refused.value.message.startswith("Chỉ văn phòng tổng hợp mới tạo năm mới; cơ sở dữ liệu")
    assert "thuộc phòng KT" in refused.value.message
    assert tables.years(phong.db) == [2020]
    phong.db.dispose()


# ---- the command, as a user runs it -------------------------------------------------------------


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    made = run_main("demo", "--db", path)
    assert made.returncode == 0, made.stderr
    return path


def test_command_rolls_2021_over_and_backs_up_first(demo_file: Path) -> None:
    result = run_main("new-year", "--from", "2021", "--to", "2022", "--db", demo_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Đã tạo biểu chỉ tiêu năm 2022 từ biểu năm 2021: 52 chỉ tiêu")
    [backup] = (demo_file.parent / "backups").iterdir()
    assert backup.name.endswith("-tao-nam-moi.sqlite")

    evaluated = run_main("evaluate", "--year", "2022", "--json", "--db", demo_file)
    assert evaluated.returncode == 0, evaluated.stderr
    rows = json.loads(evaluated.stdout)["rows"]
    assert len(rows) == 52 and all(row["target"] == "" for row in rows)

    # 2021's final result entered after the roll-over is what 2022 is compared with.
    for args in (("A.2", "3.300", "--year", "2021", "--period", "thuc-hien"), ("A.2", "3.400", "--year", "2022")):
        entered = run_main("set-value", *args, "--db", demo_file)
        assert entered.returncode == 0, entered.stderr
    evaluated = run_main("evaluate", "--year", "2022", "--json", "--db", demo_file)
    a2 = next(row for row in json.loads(evaluated.stdout)["rows"] if row["code"] == "A.2")
    assert a2["pct_last_year"] == 103.03

    audit = run_main("audit", "--year", "2022", "--db", demo_file)
    assert "tạo năm mới" in audit.stdout and "«biểu năm 2021» → «biểu năm 2022: 52 chỉ tiêu" in audit.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--from", "2020", "--to", "2021"), 1, "Lỗi: Năm 2021 đã có biểu chỉ tiêu (52 chỉ tiêu)"),
        (("--from", "2018", "--to", "2022"), 1, "Lỗi: Chưa có biểu chỉ tiêu năm 2018 để chép sang năm 2022"),
        (("--from", "2021", "--to", "2021"), 2, "Lỗi: Năm mới (2021) phải sau năm nguồn (2021)"),
        (("--from", "2021", "--to", "99999"), 2, "Lỗi: Năm mới 99999 không hợp lệ: năm phải từ 1900 đến 9999"),
    ],
)
def test_command_refusals_change_nothing(demo_file: Path, args: tuple[str, ...], code: int, message: str) -> None:
    before = dump(demo_file)
    result = run_main("new-year", *args, "--db", demo_file)
    assert (result.returncode, result.stdout) == (code, "")
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr
    assert dump(demo_file) == before
    assert not (demo_file.parent / "backups").exists()  # refused before the copy is made


def test_the_new_year_can_be_issued_to_a_phong(demo_file: Path, tmp_path: Path) -> None:
    made = run_main("new-year", "--from", "2021", "--to", "2022", "--db", demo_file)
    assert made.returncode == 0, made.stderr
    setup = tmp_path / "thiet-lap-KT-2022.setup"
    issued = run_main("issue-department", "--department", "KT", "--year", "2022", "--out", setup, "--db", demo_file)
    assert issued.returncode == 0, issued.stderr
    assert "Đã cấp tệp thiết lập cho phòng KT" in issued.stdout and "năm 2022" in issued.stdout
    assert setup.is_file()
