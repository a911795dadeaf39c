"""The evaluation conventions in one place, as data.

They are the conventions seen in practice (DESIGN §3), not a codified rule, so an
office that counts differently changes them here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Written before the number; longest match wins. Values are quantities.Kind values.
BOUND_PREFIXES: tuple[tuple[str, str], ...] = (
    (">=", "at_least"),
    ("=>", "at_least"),
    ("≥", "at_least"),
    ("<=", "at_most"),
    ("=<", "at_most"),
    ("≤", "at_most"),
    (">", "above"),
    ("<", "below"),
    ("trên", "above"),
    ("hơn", "above"),
    ("lớn hơn", "above"),
    ("dưới", "below"),
    ("nhỏ hơn", "below"),
    ("từ", "at_least"),
    ("tối thiểu", "at_least"),
    ("ít nhất", "at_least"),
    ("không dưới", "at_least"),
    ("không thấp hơn", "at_least"),
    ("tối đa", "at_most"),
    ("không quá", "at_most"),
    ("không vượt quá", "at_most"),
    ("không cao hơn", "at_most"),
    ("khoảng", "about"),
    ("xấp xỉ", "about"),
)

# Words that may stand beside a number without making the text qualitative.
BOUND_WORDS: frozenset[str] = frozenset(
    word for prefix, _ in BOUND_PREFIXES for word in prefix.split() if word.isalpha()
) | {"trở", "lên", "xuống", "đến", "tới"}

# Written in a value cell for "no figure".
EMPTY_MARKS: frozenset[str] = frozenset({"", "-", "x", "X", "–", "—"})

NOT_FINITE_WORDS: frozenset[str] = frozenset({"nan", "inf", "infinity", "vô cùng", "vô hạn"})

# Units of whole things: a figure with decimals in them is asked about before it is saved.
# Matched ignoring case on the part before "/" ("Người/năm" is "người"). "Giường" is not
# here: beds are counted per 10.000 people (13,3 in the seed).
WHOLE_UNITS: frozenset[str] = frozenset(
    {
        "con",
        "người",
        "lượt người",
        "lượt",
        "lao động",
        "hộ",
        "hộ gia đình",
        "gia đình",
        "htx",
        "hợp tác xã",
        "doanh nghiệp",
        "dn",
        "cơ sở",
        "cơ quan",
        "đơn vị",
        "trường",
        "lớp",
        "học sinh",
        "xã",
        "phường",
        "xã, phường",
        "thôn",
        "tổ",
        "thôn, tổ",
        "tổ dân phố",
        "bản",
        "làng",
        "xóm",
        "tiêu chí",
        "vụ",
        "cái",
        "chiếc",
        "công trình",
        "dự án",
        "câu lạc bộ",
        "clb",
        "nhà",
        "căn",
        "mô hình",
        "sản phẩm",
    }
)
# Units besides those whose figures are never negative: asked about, unless the
# indicator's name says it is a change.
NON_NEGATIVE_UNITS: frozenset[str] = frozenset({"ha", "héc-ta", "hecta", "tấn"})
# Words of an indicator's name that say its figure is a change, which may be negative.
CHANGE_NAME_WORDS: tuple[str, ...] = ("tăng", "giảm", "thêm", "chênh lệch", "biến động")

# A text that a spreadsheet would take for a formula begins with one of these, or with
# "-" followed by a letter or "(" (DESIGN §6): refused in figures, notes and names.
FORMULA_MARKS: frozenset[str] = frozenset("=+@")

# Reported verdicts as offices write them (after case folding and space collapsing).
VERDICT_SYNONYMS: dict[str, str] = {
    "vượt": "Vượt",
    "vượt kế hoạch": "Vượt",
    "đạt": "Đạt",
    "không đạt": "Không đạt",
    "chưa đạt": "Không đạt",
}


@dataclass(frozen=True, slots=True)
class EvaluationRules:
    """Switches of the verdict rules; the defaults are DESIGN §3's conventions."""

    # reach N, higher is better: v > N is "Vượt" (else only "Đạt").
    exceed_above_point: bool = True
    # range a–b: beyond on the better side is "Vượt".
    exceed_beyond_range: bool = True
    # plausibility: an estimate above ``high_ratio`` or below ``low_ratio`` × last year.
    high_ratio: Decimal = Decimal(2)
    low_ratio: Decimal = Decimal("0.5")
    # plausibility: a figure more than ``target_factor`` times its target, or less than its
    # ``target_factor``-th part (4,450 typed for 4.450 against 4.093 tấn).
    target_factor: Decimal = Decimal(20)


DEFAULT_RULES = EvaluationRules()
