"""Structure of the demo data set ``resources/demo/bac_kan_2020.json`` (Bắc Kạn city, 2020 appendix).

Only the standard library reads the file, so these checks stand whatever the core does with it.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo" / "bac_kan_2020.json"

INDICATOR_KEYS = {
    "code",
    "group",
    "stt",
    "name",
    "unit",
    "parent",
    "department",
    "direction",
    "counted",
    "sum_of_children",
}
ROW_2020_KEYS = {"code", "target", "estimate", "reported_verdict", "reported_pct_last_year"}
ROW_2021_KEYS = {"code", "target"}

APPENDIX_ROWS_2020 = 98  # every row of the seed's appendix table, group and header rows included
COUNTED_2020 = 59  # numbered rows carrying a target; the report's "09 … chưa đạt" are among them


def vn_number(text: str) -> Decimal:
    """Vietnamese number: ``.`` groups thousands, ``,`` is the decimal mark."""
    return Decimal(text.replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def data() -> dict:
    with DEMO.open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def indicators(data: dict) -> dict[str, dict]:
    return {ind["code"]: ind for ind in data["indicators"]}


@pytest.fixture(scope="module")
def rows_2020(data: dict) -> dict[str, dict]:
    return {row["code"]: row for row in data["years"]["2020"]}


def test_top_level_shape(data: dict) -> None:
    assert set(data) == {"title", "source", "departments", "indicators", "years", "overrides"}
    assert data["title"] == "BIỂU DỰ ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM 2020"
    assert set(data["years"]) == {"2020", "2021"}
    for ind in data["indicators"]:
        assert set(ind) == INDICATOR_KEYS, ind["code"]
    for row in data["years"]["2020"]:
        assert set(row) == ROW_2020_KEYS, row["code"]
    for row in data["years"]["2021"]:
        assert set(row) == ROW_2021_KEYS, row["code"]


def test_codes_unique_and_parents_come_first(data: dict) -> None:
    codes = [ind["code"] for ind in data["indicators"]]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for ind in data["indicators"]:
        parent = ind["parent"]
        if parent is None:
            assert ind["code"] == ind["group"] == ind["stt"], ind["code"]
        else:
            assert parent in seen, f"{ind['code']}: parent {parent} missing or after its child"
            assert ind["code"].startswith(parent + "."), ind["code"]
            assert ind["group"] == ind["code"].split(".")[0], ind["code"]
        seen.add(ind["code"])


def test_enumerations_and_departments(data: dict) -> None:
    departments = [d["code"] for d in data["departments"]]
    assert len(departments) == len(set(departments))
    for ind in data["indicators"]:
        assert ind["department"] in departments, ind["code"]
        assert ind["direction"] in {"higher", "lower", "none"}, ind["code"]
        assert isinstance(ind["counted"], bool) and isinstance(ind["sum_of_children"], bool)
        if ind["stt"] in {"", "+", "-"} or ind["parent"] is None:
            assert not ind["counted"], ind["code"]


def test_every_year_row_is_a_known_indicator(data: dict, indicators: dict) -> None:
    order = {code: i for i, code in enumerate(indicators)}
    for year, rows in data["years"].items():
        codes = [row["code"] for row in rows]
        assert len(codes) == len(set(codes)), year
        for code in codes:
            assert code in indicators, f"{year}: {code}"
        assert codes == sorted(codes, key=order.__getitem__), f"{year}: rows out of tree order"
        present = set(codes)
        for code in codes:  # the tree of each year is complete
            parent = indicators[code]["parent"]
            assert parent is None or parent in present, f"{year}: {code} without {parent}"


def test_2020_has_every_appendix_row(data: dict, rows_2020: dict) -> None:
    assert len(data["years"]["2020"]) == APPENDIX_ROWS_2020
    assert rows_2020["A.8"] == {
        "code": "A.8",
        "target": "25.500",
        "estimate": "21.246",
        "reported_verdict": "Không đạt",
        "reported_pct_last_year": "144,55",
    }
    assert rows_2020["C.2.1"]["reported_pct_last_year"] == "Đạt"
    assert rows_2020["B.6"]["reported_pct_last_year"] == "Duy trì"
    assert rows_2020["D.5"]["estimate"].startswith("Giảm 03 tiêu chí")
    assert rows_2020["C.1.5"]["target"] == "01"


def test_2020_counts_59_indicators(indicators: dict, rows_2020: dict) -> None:
    counted = [code for code in rows_2020 if indicators[code]["counted"]]
    assert len(counted) == COUNTED_2020
    for code in counted:
        assert rows_2020[code]["target"], code
    not_achieved = [c for c in counted if rows_2020[c]["reported_verdict"].casefold() == "không đạt"]
    assert len(not_achieved) == 9


@pytest.mark.parametrize("parent", ["A.8", "A.9", "A.10", "A.11"])
def test_sum_rows_add_up(parent: str, indicators: dict, rows_2020: dict) -> None:
    assert indicators[parent]["sum_of_children"]
    children = [c for c, ind in indicators.items() if ind["parent"] == parent]
    assert children
    for column in ("target", "estimate"):
        total = sum(vn_number(rows_2020[c][column]) for c in children)
        assert total == vn_number(rows_2020[parent][column]), f"{parent} {column}"


def test_only_the_livestock_rows_are_sums(indicators: dict) -> None:
    assert {c for c, ind in indicators.items() if ind["sum_of_children"]} == {"A.8", "A.9", "A.10", "A.11"}


def test_2021_new_indicators_have_targets(data: dict, indicators: dict, rows_2020: dict) -> None:
    targets_2021 = {row["code"]: row["target"] for row in data["years"]["2021"]}
    new = [code for code in indicators if code not in rows_2020]
    assert new, "2021 brings new indicators"
    for code in new:
        assert targets_2021.get(code), code
        assert indicators[code]["counted"], code
    assert indicators["C.3.9"]["direction"] == "lower"


def test_overrides_point_at_known_indicators(data: dict, indicators: dict) -> None:
    for override in data["overrides"]:
        assert override["code"] in indicators
        assert str(override["year"]) in data["years"]
        assert override["verdict"] in {"Vượt", "Đạt", "Không đạt"}
        assert override["reason"].strip()


def _strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_all_text_is_nfc_and_stripped(data: dict) -> None:
    for text in _strings(data):
        assert unicodedata.is_normalized("NFC", text), repr(text)
        assert text == text.strip(), repr(text)
