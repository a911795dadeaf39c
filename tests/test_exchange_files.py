"""Submission and setup files in the core: canonical bytes, signatures, and every way a file can be wrong."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.exchange import files, signing
from bkdesk.exchange.documents import canonical_bytes
from bkdesk.exchange.files import FileRefused, RawFile, checked_zip, read_limited
from bkdesk.exchange.incoming import parse_incoming, read_heading
from bkdesk.exchange.key_seal import seal_private_key
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.setup_file import Setup, SetupRow, read_setup, write_setup
from bkdesk.exchange.submission import Submission, SubmittedValue, read_submission, write_submission

MOMENT = datetime(2020, 11, 25, 8, 30, tzinfo=UTC)


def submission(**changes: object) -> Submission:
    fields: dict[str, object] = {
        "department": Department("KT", "Phòng Kinh tế"),
        "year": 2020,
        "kind": PeriodKind.ESTIMATE,
        "sequence": 3,
        "created_at": MOMENT,
        "app_version": "0.1.0",
        "setup_id": "setup-1",
        "key_id": "abc",
        "values": (
            SubmittedValue("A.2", "3.050", "ước theo báo cáo tháng 11", MOMENT),
            SubmittedValue("A.8", "", "", None),
            SubmittedValue("D.5", "Giảm 03 tiêu chí (số vụ, số người chết)", "", MOMENT),
        ),
    }
    fields.update(changes)
    return Submission(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def keys() -> tuple[signing.KeyPair, signing.KeyPair]:
    return signing.new_key_pair(), signing.new_key_pair()


def test_a_submission_reads_back_as_written_and_verifies_with_its_key(keys) -> None:  # type: ignore[no-untyped-def]
    mine, other = keys
    data = write_submission(submission(), mine.private_key)
    signed = read_submission(data)
    assert signed.submission == submission()
    assert signed.verify(mine.public_key)
    assert not signed.verify(other.public_key)


def test_the_file_is_readable_json_an_auditor_can_open(keys) -> None:  # type: ignore[no-untyped-def]
    data = write_submission(submission(), keys[0].private_key)
    text = data.decode("utf-8")
    document = json.loads(text)
    assert document["format"] == "bkdesk-submission"
    assert document["version"] == 1
    assert document["payload"]["department"] == {"code": "KT", "name": "Phòng Kinh tế"}
    assert document["payload"]["period"] == {"kind": "uoc", "year": 2020}
    assert document["payload"]["sequence"] == 3
    assert '{"code": "A.2", "note": "ước theo báo cáo tháng 11",' in text  # one value a line, accents as written
    assert text.endswith("}\n")


def test_a_byte_flipped_anywhere_is_detected(keys) -> None:  # type: ignore[no-untyped-def]
    mine, _other = keys
    data = write_submission(submission(), mine.private_key)
    payload_start = data.index(b'"payload"')
    signature_start = data.index(b'"signature"')
    assert 0 < payload_start < signature_start
    for position in range(len(data)):
        for mask in (0x01, 0x20, 0x80):
            damaged = bytearray(data)
            damaged[position] ^= mask
            try:
                signed = read_submission(bytes(damaged))
            except FileRefused:
                continue
            assert not signed.verify(mine.public_key), f"byte {position} ^ {mask:#x} went unnoticed"


def test_a_file_re_signed_with_another_key_does_not_verify(keys) -> None:  # type: ignore[no-untyped-def]
    mine, other = keys
    forged = read_submission(write_submission(submission(), other.private_key))
    assert forged.submission == submission()
    assert not forged.verify(mine.public_key)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "cắt cụt"),
        (b"\xff\xfe{\x00", "UTF-8"),
        (b'{"format": "khac", "version": 1}\n', "không phải tệp nộp số liệu"),
        (b"[1, 2]\n", "không phải tệp nộp số liệu"),
    ],
)
def test_damaged_or_foreign_files_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(FileRefused) as caught:
        read_submission(data)
    assert words in caught.value.message


def test_truncated_file_says_so(keys) -> None:  # type: ignore[no-untyped-def]
    data = write_submission(submission(), keys[0].private_key)
    for cut in (len(data) // 3, len(data) - 5, len(data) - 1):
        with pytest.raises(FileRefused) as caught:
            read_submission(data[:cut])
        assert "cắt cụt" in caught.value.message or "đã bị sửa" in caught.value.message


def test_reformatted_json_with_the_same_content_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    data = write_submission(submission(), keys[0].private_key)
    pretty = json.dumps(json.loads(data), ensure_ascii=False, indent=2).encode("utf-8")
    with pytest.raises(FileRefused) as caught:
        read_submission(pretty)
    assert "đã bị sửa" in caught.value.message


def test_canonical_bytes_are_stable_and_sorted() -> None:
    value = {"b": [{"y": 1, "x": "ư"}], "a": {"k": [1, 2]}, "c": None}
    first = canonical_bytes(value)
    assert canonical_bytes(json.loads(first)) == first
    assert first.decode("utf-8").index('"a"') < first.decode("utf-8").index('"b"')
    assert '{"x": "ư", "y": 1}' in first.decode("utf-8")


def test_a_setup_round_trips_and_refuses_a_changed_byte() -> None:
    pair = signing.new_key_pair()
    key_id = signing.new_key_id()
    sealed = seal_private_key(pair.private_key, "K7QM-3XHP-9TRD-W2FN", setup_id="s-1", department="KT", key_id=key_id)
    group = Indicator("A", "A", "A", "Chỉ tiêu kinh tế", department="TCKH")
    pig = Indicator("A.8", "A", "8", "Đàn lợn", "con", "A", "KT", Direction.HIGHER, True, True)
    setup = Setup(
        setup_id="s-1",
        department=Department("KT", "Phòng Kinh tế"),
        year=2020,
        sequence=4,
        issued_at=MOMENT,
        issued_by="văn thư",
        app_version="0.1.0",
        key_id=key_id,
        sealed_key=sealed,
        departments=(Department("TCKH", "Phòng Tài chính - Kế hoạch"), Department("KT", "Phòng Kinh tế")),
        rows=(
            SetupRow(group, ""),
            SetupRow(pig, "25.500", {PeriodKind.ESTIMATE: Figure("21.246", "ghi chú"), PeriodKind.RESULT: Figure()}),
        ),
    )
    data = write_setup(setup)
    assert read_setup(data) == setup
    assert read_setup(data).own_rows() == (setup.rows[1],)
    assert b'"last_year"' not in data and b'"printed_ratio"' not in data  # as an earlier release wrote it
    assert pair.private_key.encode() not in data
    position = data.index(b"25.500")
    damaged = data[:position] + b"35.500" + data[position + 6 :]
    with pytest.raises(FileRefused) as caught:
        read_setup(damaged)
    assert "mã kiểm tra" in caught.value.message


def test_a_setup_row_carries_last_years_result_and_the_printed_ratio_with_its_estimate() -> None:
    pair = signing.new_key_pair()
    key_id = signing.new_key_id()
    sealed = seal_private_key(pair.private_key, "K7QM-3XHP-9TRD-W2FN", setup_id="s-2", department="KT", key_id=key_id)
    pig = Indicator("A.8", "A", "8", "Đàn lợn", "con", None, "KT", Direction.HIGHER, True, True)
    row = SetupRow(pig, "25.500", {PeriodKind.ESTIMATE: Figure("21.246")}, "19.800", "thuc-hien", "107,3", "21.246")
    setup = Setup(
        "s-2", Department("KT", "Phòng Kinh tế"), 2020, 1, MOMENT, "văn thư", "0.1.0", key_id, sealed, (), (row,)
    )
    assert read_setup(write_setup(setup)).rows == (row,)
    wrong = replace(setup, rows=(replace(row, last_year_source="uoc-tinh"),))
    with pytest.raises(FileRefused) as caught:
        read_setup(write_setup(wrong))
    assert "last_year.source không hợp lệ" in caught.value.message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "lon.json"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: made at once, takes no room
    with pytest.raises(FileRefused) as caught:
        read_limited(huge)
    assert "quá lớn" in caught.value.message
    assert "200,0 MB" in caught.value.message
    assert f"{files.MAX_FILE_BYTES // (1024 * 1024)},0 MB" in caught.value.message


def test_missing_and_empty_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="không tìm thấy"):
        read_limited(tmp_path / "khong-co.json")
    (tmp_path / "rong.json").write_bytes(b"")
    with pytest.raises(FileRefused, match="rỗng"):
        read_limited(tmp_path / "rong.json")


def _zip_of(member: str, size: int) -> bytes:
    path_bytes = bytearray()
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, b"\0" * size)
    path_bytes.extend(buffer.getvalue())
    return bytes(path_bytes)


def test_a_zip_that_declares_too_much_is_refused_before_expanding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _zip_of("xl/worksheets/sheet1.xml", 8 * 1024 * 1024)
    assert len(data) < 64 * 1024  # a few kilobytes that would expand to megabytes
    monkeypatch.setattr(files, "MAX_EXPANDED_BYTES", 1024 * 1024)
    with pytest.raises(FileRefused) as caught:
        checked_zip(data)
    assert "giải nén quá lớn" in caught.value.message


def test_a_zip_that_lies_about_its_size_is_stopped_while_streaming() -> None:
    data = bytearray(_zip_of("xl/worksheets/sheet1.xml", 4 * 1024 * 1024))
    # Rewrite the declared size (local header and central directory) to 1 KiB; the data still holds 4 MiB.
    central = data.rindex(b"PK\x01\x02")
    small = (1024).to_bytes(4, "little")
    data[22:26] = small
    data[central + 24 : central + 28] = small
    with pytest.raises(FileRefused) as caught:
        checked_zip(bytes(data))
    assert "nhiều dữ liệu hơn mức khai báo" in caught.value.message or "hỏng" in caught.value.message


def test_an_ordinary_zip_is_not_taken_for_a_template() -> None:
    raw = RawFile("ban-sao.zip", _zip_of("ghi-chu.txt", 100), "0" * 64)
    with pytest.raises(FileRefused) as caught:
        parse_incoming(raw)
    assert "không phải biểu mẫu Excel" in caught.value.message, caught.value.message


def test_text_that_is_not_a_submission_is_refused() -> None:
    raw = RawFile("ghi-chu.txt", "Số liệu phòng Kinh tế".encode(), "0" * 64)
    with pytest.raises(FileRefused) as caught:
        parse_incoming(raw)
    assert "không phải tệp nộp số liệu" in caught.value.message


def test_the_heading_of_a_submission_is_what_the_full_reading_says(tmp_path: Path) -> None:
    pair = signing.new_key_pair()
    path = tmp_path / "kt-3.json"
    path.write_bytes(write_submission(submission(), pair.private_key))
    raw = read_limited(path)
    heading, incoming = read_heading(raw), parse_incoming(raw)
    assert (heading.department, heading.year, heading.kind, heading.sequence, heading.is_signed) == (
        incoming.department,
        incoming.year,
        incoming.kind,
        incoming.sequence,
        True,
    )
    assert heading.department == Department("KT", "Phòng Kinh tế") and heading.sequence == 3


def test_a_heading_that_is_not_as_bkdesk_writes_it_is_refused_as_the_full_reading_refuses_it(tmp_path: Path) -> None:
    pair = signing.new_key_pair()
    document = json.loads(write_submission(submission(), pair.private_key))
    document["payload"]["sequence"] = "ba"
    path = tmp_path / "kt-sua.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    raw = read_limited(path)
    with pytest.raises(FileRefused) as full:
        parse_incoming(raw)
    with pytest.raises(FileRefused) as heading:
        read_heading(raw)
    assert heading.value.message == full.value.message
