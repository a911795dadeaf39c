"""``python main.py import-table`` as a user runs it: exit status, what is printed, what is stored."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.commands import dump
from tests.fixtures.commands import run_main as run
from tests.fixtures.workbooks import Cell, add_inflating_member, seed_workbook, simple_table, write_workbook


def evaluate_json(db: Path) -> dict:  # type: ignore[type-arg]
    result = run("evaluate", "--year", "2020", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_seed_appendix_imports_into_an_empty_database(tmp_path: Path) -> None:
    workbook = seed_workbook(tmp_path / "Phụ lục 2020.xlsx")
    db = tmp_path / "moi.sqlite"
    result = run("import-table", str(workbook), "--year", "2020", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Đã nhập biểu Phụ lục 2020.xlsx (trang «Biểu», tiêu đề ở dòng 5) vào năm 2020, ước thực hiện: 98 dòng."
    )
    assert lines[1] == "Thêm 98 chỉ tiêu mới; 0 số liệu của chỉ tiêu đã có thay đổi."
    assert (
        "  + A.8 [8] Đàn lợn (con): nhiệm vụ 25.500; ước thực hiện 21.246; đánh giá trong biểu Không đạt; "
        "so với cùng kỳ (%) 144,55"
    ) in lines
    assert (
        "  + A.8.a [+] Đàn lợn hiện có (con): nhiệm vụ 5.500; ước thực hiện 4.631; đánh giá trong biểu "
        in "\n".join(lines)
    )
    demo = tmp_path / "demo.sqlite"
    assert run("demo", "--db", str(demo)).returncode == 0
    expected, got = evaluate_json(demo)["rows"], evaluate_json(db)["rows"]
    fields = ("code", "stt", "name", "unit", "target", "estimate", "reported_verdict", "pct_plan", "pct_last_year")
    assert [{f: row[f] for f in fields} for row in got] == [{f: row[f] for f in fields} for row in expected]


def test_importing_again_reports_each_changed_figure(tmp_path: Path) -> None:
    db = tmp_path / "bk.sqlite"
    assert run("demo", "--db", str(db)).returncode == 0
    rows = simple_table(
        [("A", "Chỉ tiêu kinh tế"), ("8", "Đàn lợn", "con", "", "21.300", "", "Số liệu tháng 11")],
        header=("STT", "Chỉ tiêu", "ĐVT", "Nhiệm vụ 2020", "Uớc thực hiện 2020", "Đánh giá", "Ghi chú"),
    )
    workbook = write_workbook(tmp_path / "kinh-te.xlsx", rows)
    result = run("import-table", str(workbook), "--year", "2020", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "Thêm 0 chỉ tiêu mới; 2 số liệu của chỉ tiêu đã có thay đổi.",
        "Số liệu thay đổi:",
        "  A.8 [8] Đàn lợn (con) — ước thực hiện: 21.246 → 21.300",
        "  A.8 [8] Đàn lợn (con) — ghi chú: (trống) → Số liệu tháng 11",
    ]
    again = run("import-table", str(workbook), "--year", "2020", "--db", str(db))
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == "Không có gì thay đổi: số liệu trong tệp trùng với cơ sở dữ liệu."


def test_bad_cells_are_all_listed_and_nothing_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "bk.sqlite"
    assert run("demo", "--db", str(db)).returncode == 0
    before = dump(db)
    rows = [
        ("BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020",),
        *[()] * 9,
        ("", "Các chỉ tiêu, mục tiêu cụ thể", "Đơn vị tính", "Nhiệm vụ 2020", "Uớc thực hiện 2020", "Đánh giá"),
        ("A", "Chỉ tiêu kinh tế"),
        ("8", "Đàn lợn", "con", "25.500", "1.5", "Không đạt"),
        ("", "+ Đàn lợn hiện có", "con", Cell("=D13-1", formula=True), "4.631", "Tốt"),
    ]
    workbook = write_workbook(tmp_path / "sai.xlsx", rows)
    result = run("import-table", str(workbook), "--year", "2020", "--db", str(db))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Lỗi: Biểu sai.xlsx (trang «Biểu») có 3 ô/dòng sai; chưa nhập gì vào cơ sở dữ liệu:",
        'Dòng 13 (A.8), cột E (Uớc thực hiện 2020): "1.5": dấu chấm chỉ dùng để tách hàng nghìn; số thập phân viết 1,5',
        "Dòng 14 (A.8.a), cột D (Nhiệm vụ 2020): ô có công thức «=D13-1»; hãy dán giá trị (Paste Values)",
        'Dòng 14 (A.8.a), cột F (Đánh giá): "Tốt": đánh giá phải là Vượt, Đạt hoặc Không đạt (Chưa đạt)',
    ]
    assert dump(db) == before


def test_files_that_are_not_tables_get_a_message_and_no_database(tmp_path: Path) -> None:
    db = tmp_path / "bk.sqlite"
    missing = run("import-table", str(tmp_path / "khong-co.xlsx"), "--year", "2020", "--db", str(db))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"Lỗi: Không có tệp {tmp_path / 'khong-co.xlsx'}"
    text = tmp_path / "bieu.xlsx"
    text.write_text("Đây không phải là tệp Excel", encoding="utf-8")
    wrong = run("import-table", str(text), "--year", "2020", "--db", str(db))
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == "Lỗi: Tệp bieu.xlsx không phải tệp Excel (.xlsx)"
    assert not db.exists()
    no_header = write_workbook(tmp_path / "trong.xlsx", [("Danh sách chỉ tiêu",), ("1", "Thu ngân sách", "151,5")])
    refused = run("import-table", str(no_header), "--year", "2020", "--db", str(db))
    assert refused.returncode == 2
    assert refused.stderr.startswith("Lỗi: Tệp trong.xlsx: Không tìm thấy dòng tiêu đề của biểu trong 30 dòng đầu")
    assert "Traceback" not in refused.stderr
    assert not db.exists()


def test_a_workbook_that_inflates_to_hundreds_of_megabytes_is_refused(tmp_path: Path) -> None:
    workbook = seed_workbook(tmp_path / "phu-luc.xlsx")
    add_inflating_member(workbook, "xl/worksheets/sheet2.xml", 201)
    assert workbook.stat().st_size < 2 * 1024 * 1024
    result = run("import-table", str(workbook), "--year", "2020", "--db", str(tmp_path / "bk.sqlite"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Lỗi: Tệp phu-luc.xlsx quá lớn khi giải nén (xl/worksheets/sheet2.xml: 201 MB): một biểu chỉ tiêu "
        "không thể lớn như vậy, tệp có thể bị hỏng hoặc độc hại; không nhập"
    )
    assert not (tmp_path / "bk.sqlite").exists()


def test_slips_in_an_imported_table_are_stored_and_reported(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", str(db)).returncode == 0
    rows = simple_table(
        [
            ("A", "Chỉ tiêu kinh tế"),
            ("6", "Sản lượng Lương thực có hạt", "Tấn/năm", "4.093", "4,450"),
            ("8", "Đàn lợn", "con", "25.500", "Đạt kế hoạch"),
        ]
    )
    result = run("import-table", str(write_workbook(tmp_path / "nham.xlsx", rows)), "--year", "2020", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert (
        "Chú ý: dòng 5: A.6 Sản lượng Lương thực có hạt: Ước thực hiện 4,450 nhỏ hơn 1/20 nhiệm vụ (4.093): 4,450 "
        "được đọc là bốn phẩy bốn năm; nếu là bốn nghìn bốn trăm năm mươi, hãy viết 4.450."
    ) in result.stdout.splitlines()
    assert (
        "Chú ý: dòng 6: A.8 Đàn lợn: «Đạt kế hoạch» là chữ, còn nhiệm vụ là số (25.500): lưu như một nhận xét bằng "
        "chữ, không đánh giá tự động."
    ) in result.stdout.splitlines()
    rows_out = {row["code"]: row for row in evaluate_json(db)["rows"]}
    assert rows_out["A.6"]["estimate"] == "4,450"
    assert any("hãy viết 4.450" in warning for warning in rows_out["A.6"]["warnings"])
    assert rows_out["A.8"]["estimate"] == "Đạt kế hoạch"


def test_a_name_of_2000_characters_refuses_the_whole_table(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", str(db)).returncode == 0
    before = dump(db)
    rows = simple_table([("A", "Chỉ tiêu kinh tế"), ("20", ("Chỉ tiêu mới " * 154)[:2000], "Hộ", "10", "11")])
    result = run("import-table", str(write_workbook(tmp_path / "dai.xlsx", rows)), "--year", "2020", "--db", str(db))
    assert result.returncode == 2
    assert "Dòng 5, cột B (Chỉ tiêu): tên chỉ tiêu dài 2.000 ký tự; tối đa 500 ký tự" in result.stderr
    assert dump(db) == before


def test_the_seed_appendix_imports_without_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "moi.sqlite"
    result = run("import-table", str(seed_workbook(tmp_path / "Phụ lục 2020.xlsx")), "--year", "2020", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert not any(line.startswith("Chú ý") for line in result.stdout.splitlines())
    warned = {row["code"]: row["warnings"] for row in evaluate_json(db)["rows"] if row["warnings"]}
    # The three printed verdicts that break the rules, and D 5's words waiting for a verdict by hand: no more.
    assert set(warned) == {"C.1.3", "C.2.7", "E.3", "D.5"}
