"""argparse speaking Vietnamese: usage, section titles and the usual error messages."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.*)"), r"thiếu tham số bắt buộc: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"không hiểu tham số: \1"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
        r"\1: không có lựa chọn \2 (chọn một trong: \3)",
    ),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), r"\1: \2 không phải là số nguyên"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1: cần một giá trị"),
    (re.compile(r"argument (\S+): (.*)"), r"\1: \2"),
)


_NEGATIVE_NUMBER = re.compile(r"^-\d")


def translate_error(message: str) -> str:
    for pattern, replacement in _ERRORS:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return message


class VietnameseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "Cách dùng: ")


class VietnameseArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # added below, with a Vietnamese help text
        super().__init__(*args, **kwargs)
        # A value that starts with "-" and a digit is a number ("-2,5", "-5", "-٤"), never an
        # option: argparse's own test knows only "-2" and "-2.5", so "set-value A.2 -2,5"
        # needed "--" before the value. No bkdesk option starts with a digit.
        self._negative_number_matcher = _NEGATIVE_NUMBER
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {translate_error(message)}\n")
