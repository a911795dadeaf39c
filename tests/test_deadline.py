"""*Hạn nộp* in the core: reading it, and where a phòng stands against it, on the office's own clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bkdesk.catalogue import Indicator, is_assigned
from bkdesk.deadline import DeadlineError, late_summary, parse_deadline, standing

DEADLINE = date(2020, 12, 15)


@pytest.fixture
def vietnam_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_deadline_is_read_as_dd_mm_yyyy_and_refused_in_vietnamese_otherwise() -> None:
    assert parse_deadline("15/12/2020", 2020) == DEADLINE
    assert parse_deadline(" 5/1/2021 ", 2020) == date(2021, 1, 5)  # the result of a year is due the next
    assert parse_deadline("", 2020) is None
    cases = {
        "31/02/2020": "Hạn nộp «31/02/2020»: tháng 2 năm 2020 không có ngày 31",
        "2020-12-15": "Hạn nộp «2020-12-15»: ngày phải viết theo dạng ngày/tháng/năm, ví dụ 05/02/2021",
        "15/13/2020": "Hạn nộp «15/13/2020»: không có tháng 13; tháng từ 1 đến 12",
        "15/12/2019": ("Hạn nộp 15/12/2019 trước năm 2020: hạn nộp số liệu năm 2020 phải từ ngày 01/01/2020 trở đi"),
    }
    for text, message in cases.items():
        with pytest.raises(DeadlineError) as refused:
            parse_deadline(text, 2020)
        assert refused.value.message == message


def test_the_deadline_day_counts_whole_on_the_offices_clock(vietnam_clock: None) -> None:
    # 23:30 on 15/12 in Hà Nội is 16:30 UTC: still the deadline day.
    on_the_day = datetime(2020, 12, 15, 16, 30, tzinfo=UTC)
    after = datetime(2020, 12, 15, 17, 30, tzinfo=UTC)  # 00:30 on 16/12 in Hà Nội
    assert standing(first_received=on_the_day, issued_at=None, deadline=DEADLINE, today=date(2021, 1, 4)).text == (
        "đã nộp đúng hạn"
    )
    late = standing(first_received=after, issued_at=None, deadline=DEADLINE, today=date(2021, 1, 4))
    assert (late.late, late.text) == (True, "NỘP MUỘN: tệp đầu tiên nhận ngày 16/12/2020")


def test_a_silent_phong_is_late_only_once_the_deadline_day_is_over(vietnam_clock: None) -> None:
    issued = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
    silent = "đã cấp tệp thiết lập ngày 01/12/2020, chưa nộp"
    before = standing(first_received=None, issued_at=issued, deadline=DEADLINE, today=DEADLINE)
    assert (before.late, before.text) == (False, silent)
    after = standing(first_received=None, issued_at=issued, deadline=DEADLINE, today=date(2020, 12, 16))
    assert (after.late, after.text) == (True, f"QUÁ HẠN: {silent}")
    never_issued = standing(first_received=None, issued_at=None, deadline=DEADLINE, today=date(2020, 12, 16))
    assert (never_issued.late, never_issued.text) == (True, "QUÁ HẠN: chưa nộp")
    no_deadline = standing(first_received=None, issued_at=None, deadline=None, today=date(2030, 1, 1))
    assert (no_deadline.late, no_deadline.text) == (False, "chưa nộp")
    sent = standing(first_received=issued, issued_at=issued, deadline=None, today=date(2030, 1, 1))
    assert (sent.late, sent.text) == (False, "đã nộp")


def test_the_late_line_names_each_kind_of_late_phong() -> None:
    assert late_summary([], []) == ""
    assert late_summary(["VP", "YT"], ["KT"]) == "Quá hạn, chưa nộp: 2 phòng (VP, YT); nộp muộn: 1 phòng (KT)"
    assert late_summary([], ["KT"]) == "nộp muộn: 1 phòng (KT)"


def test_a_phongs_indicators_are_its_rows_that_take_a_figure() -> None:
    def row(code: str, stt: str, unit: str = "", parent: str | None = "A", department: str | None = "KT") -> Indicator:
        return Indicator(code, "A", stt, f"Chỉ tiêu {code}", unit, parent, department)

    assert not is_assigned(row("A", "A", parent=None, department=None), "KT", "")  # a group row
    assert not is_assigned(row("A.15", "15"), "KT", "")  # a heading: no unit, no target
    assert is_assigned(row("A.15", "15"), "KT", "", target_other_year=True)  # a target in another year's table
    assert is_assigned(row("A.9", "9"), "KT", "215.800")  # no unit but a target
    assert is_assigned(row("B.7", "7", "ha"), "KT", "")  # a unit but no target: it takes a figure
    assert is_assigned(row("A.8.a", "+", "con", "A.8"), "KT", "5.500")  # a sub-row
    assert not is_assigned(row("A.8.a", "+", "con", "A.8"), "YT", "5.500")  # another phòng's
