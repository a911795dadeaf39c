"""Offline exchange between the phòng and the synthesis office, locking and the audit log.

Synthesis office: issue-department, export-template, import-submissions, status,
conflicts, export-feedback, lock, unlock. A phòng's PC: setup, export-submission,
import-feedback, feedback-choices. Both: audit.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bkdesk.backups import BackupReason
from bkdesk.catalogue import PeriodKind
from bkdesk.numbers import format_number
from cli.common import EXIT_OK, EXIT_REFUSED, add_database_options, add_period_option, fail, json_dump, open_db, say
from cli.passphrase import ENV as PASSPHRASE_ENV
from cli.passphrase import (
    TRIES,
    add_passphrase_options,
    ask,
    read_passphrase_file,
    refuse_on_command_line,
    setup_passphrase,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from db.database import Database
    from db.exchange import InstallationView
    from db.feedback_import import FeedbackChoiceView
    from db.status import DepartmentStatus, StatusReport

PERIOD_CHOICES = [kind.value for kind in PeriodKind]


def _optional_period(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--period", choices=PERIOD_CHOICES, help=help_text)


def register(subparsers: Any) -> None:
    issue = subparsers.add_parser(
        "issue-department", help="văn phòng tổng hợp: cấp tệp thiết lập (kèm khóa ký đã mã hóa) cho một phòng"
    )
    issue.add_argument("--department", required=True, metavar="MÃ", help="mã phòng, ví dụ KT")
    issue.add_argument("--year", type=int, required=True)
    issue.add_argument("--out", required=True, metavar="TỆP", help="tệp thiết lập sẽ ghi")
    add_passphrase_options(
        issue,
        "tệp chứa cụm mật khẩu của văn phòng (ít nhất 16 ký tự) để mã hóa khóa ký; "
        "không có: bkdesk tạo một cụm ngẫu nhiên và in ra một lần",
    )
    add_database_options(issue)
    issue.set_defaults(handler=run_issue)

    setup = subparsers.add_parser("setup", help="máy của phòng: tạo cơ sở dữ liệu của phòng từ tệp thiết lập")
    setup.add_argument("file", metavar="TỆP", help="tệp thiết lập do văn phòng tổng hợp cấp")
    add_passphrase_options(
        setup,
        f"tệp chứa cụm mật khẩu của tệp thiết lập (hoặc biến môi trường {PASSPHRASE_ENV}; "
        "không có cả hai: hỏi trong cửa sổ dòng lệnh)",
    )
    setup.add_argument(
        "--set-aside",
        action="store_true",
        help="số liệu đã sửa mà chưa gửi sẽ bị thay: ghi chúng ra một tệp bên cạnh cơ sở dữ liệu rồi mới cài",
    )
    add_database_options(setup)
    setup.set_defaults(handler=run_setup)

    export = subparsers.add_parser("export-submission", help="máy của phòng: xuất tệp nộp số liệu đã ký")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--out", required=True, metavar="TỆP")
    add_period_option(export)
    add_database_options(export)
    export.set_defaults(handler=run_export_submission)

    imports = subparsers.add_parser(
        "import-submissions", help="văn phòng tổng hợp: nhập các tệp nộp số liệu (và biểu mẫu Excel đã điền)"
    )
    imports.add_argument("files", nargs="+", metavar="TỆP")
    imports.add_argument(
        "--accept-unsigned", action="store_true", help="chấp nhận biểu mẫu Excel (không có chữ ký) sau khi đã xác nhận"
    )
    add_database_options(imports)
    imports.set_defaults(handler=run_import)

    template = subparsers.add_parser("export-template", help="văn phòng tổng hợp: xuất biểu mẫu Excel cho một phòng")
    template.add_argument("--department", required=True, metavar="MÃ")
    template.add_argument("--year", type=int, required=True)
    template.add_argument("--out", required=True, metavar="TỆP.xlsx")
    add_period_option(template)
    add_database_options(template)
    template.set_defaults(handler=run_export_template)

    status = subparsers.add_parser("status", help="văn phòng tổng hợp: tình hình nộp số liệu của từng phòng")
    status.add_argument("--year", type=int, required=True)
    status.add_argument(
        "--deadline",
        metavar="NGÀY",
        help='đặt hạn nộp của kỳ (dd/mm/yyyy, ví dụ 15/12/2020; "" để bỏ), ghi vào lịch sử, rồi in tình hình nộp',
    )
    status.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_period_option(status)
    add_database_options(status)
    status.set_defaults(handler=run_status)

    conflicts = subparsers.add_parser("conflicts", help="văn phòng tổng hợp: xem và giải quyết xung đột")
    conflicts.add_argument("--year", type=int, help="năm (bắt buộc khi xem danh sách)")
    conflicts.add_argument("--all", action="store_true", help="kể cả xung đột đã đóng")
    _optional_period(conflicts, "chỉ xem một kỳ (mặc định: cả hai)")
    add_database_options(conflicts)
    conflicts.set_defaults(handler=run_conflicts)
    actions = conflicts.add_subparsers(dest="conflict_action", metavar="resolve")
    resolve = actions.add_parser("resolve", help="giải quyết một xung đột")
    resolve.add_argument("id", type=int, metavar="SỐ", help="số của xung đột (cột # trong danh sách)")
    resolve.add_argument("--keep", required=True, choices=["local", "incoming"], help="giữ giá trị nào")
    resolve.add_argument("--reason", default="", help="lý do (bắt buộc, ghi vào lịch sử)")
    add_database_options(resolve)
    resolve.set_defaults(handler=run_resolve)

    feedback = subparsers.add_parser(
        "export-feedback",
        help="văn phòng tổng hợp: lập tệp phản hồi (đã ký) gửi một phòng: số liệu, nhiệm vụ, đánh giá và xung đột "
        "đã giải quyết",
    )
    feedback.add_argument("--department", required=True, metavar="MÃ", help="mã phòng, ví dụ KT")
    feedback.add_argument("--year", type=int, required=True)
    feedback.add_argument("--out", required=True, metavar="TỆP", help="tệp phản hồi sẽ ghi, ví dụ KT-phanhoi.json")
    add_database_options(feedback)
    feedback.set_defaults(handler=run_export_feedback)

    taking = subparsers.add_parser("import-feedback", help="máy của phòng: nhận tệp phản hồi của văn phòng tổng hợp")
    taking.add_argument("file", metavar="TỆP", help="tệp phản hồi do văn phòng tổng hợp gửi")
    add_database_options(taking)
    taking.set_defaults(handler=run_import_feedback)

    choices = subparsers.add_parser(
        "feedback-choices",
        help="máy của phòng: các số liệu phòng đã sửa mà tệp phản hồi có số khác; chọn giữ số nào",
    )
    add_database_options(choices)
    choices.set_defaults(handler=run_feedback_choices)
    picks = choices.add_subparsers(dest="choice_action", metavar="choose")
    choose = picks.add_parser("choose", help="chọn số cho một dòng (cột # trong danh sách)")
    choose.add_argument("id", type=int, metavar="SỐ", help="số của dòng chờ chọn")
    choose.add_argument(
        "--keep",
        required=True,
        choices=["city", "own"],
        help="city: lấy số của văn phòng tổng hợp; own: giữ số của phòng (gửi lại trong tệp nộp sau)",
    )
    add_database_options(choose)
    choose.set_defaults(handler=run_feedback_choose)

    for name, verb in (("lock", "chốt số liệu"), ("unlock", "mở khóa số liệu")):
        command = subparsers.add_parser(name, help=f"văn phòng tổng hợp: {verb} của một năm (cần lý do)")
        command.add_argument("--year", type=int, required=True)
        _optional_period(command, "chỉ một kỳ (mặc định: cả ước thực hiện và thực hiện)")
        command.add_argument("--reason", default="", help="lý do (bắt buộc, ghi vào lịch sử)")
        add_database_options(command)
        command.set_defaults(handler=run_lock if name == "lock" else run_unlock)

    audit = subparsers.add_parser("audit", help="lịch sử thay đổi: cũ → mới, ai, khi nào, từ đâu, vì sao")
    audit.add_argument("--year", type=int, required=True)
    audit.add_argument("--indicator", metavar="MÃ", help="chỉ một chỉ tiêu, ví dụ A.2")
    add_database_options(audit)
    audit.set_defaults(handler=run_audit)


def _actor() -> str:
    from db.login import current_user

    return current_user()


def _backup(db: Database, reason: BackupReason) -> None:
    """The automatic copy before the command writes; a failure stops it with the data unchanged."""
    from db.backups import before

    before(db, reason)


def run_issue(args: argparse.Namespace) -> int:
    from bkdesk.text import clean
    from db.issue import issue_department

    refuse_on_command_line(args)
    own = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
    db = open_db(args)
    result = issue_department(db, clean(args.department), args.year, Path(args.out), actor=_actor(), passphrase=own)
    again = " (cấp lại: khóa cũ hết hiệu lực)" if result.reissued else ""
    say(
        f"Đã cấp tệp thiết lập cho phòng {result.department.code} ({result.department.name}) năm {result.year}"
        f"{again}: {result.path}"
    )
    say(
        f"{result.rows} chỉ tiêu; khóa {result.key_id}; tệp nộp tiếp theo mang số thứ tự từ {result.sequence + 1}. "
        "Khóa ký trong tệp được mã hóa bằng cụm mật khẩu: tệp thiếu cụm mật khẩu không ký được gì."
    )
    if result.generated:
        say("Cụm mật khẩu của tệp thiết lập này (chỉ in một lần, bkdesk không lưu lại):")
        say(f"    {result.passphrase}")
    say(
        "Hãy trao cụm mật khẩu cho phòng qua một đường khác với tệp (đọc qua điện thoại, hoặc ghi giấy trao tận "
        "tay), không chép cùng USB, không gửi cùng thư với tệp."
    )
    return EXIT_OK


def run_setup(args: argparse.Namespace) -> int:
    from db.database import default_db_path
    from db.department_setup import WrongPassphrase, install_unlocked, read_setup_file, unlock_setup
    from db.key_store import where_kept

    refuse_on_command_line(args)
    read_setup_file(Path(args.file))  # a file that is no setup file is refused before a passphrase is asked for
    passphrase, typed = setup_passphrase(args)
    tries = 1
    while True:
        # The key is opened before a database is opened or created: a wrong passphrase leaves no file behind.
        try:
            unlocked = unlock_setup(Path(args.file), passphrase)
            break
        except WrongPassphrase as exc:
            if not typed or tries >= TRIES:
                raise
            say(f"Lỗi: {exc.message}", sys.stderr)
            passphrase, tries = ask(), tries + 1
    file = Path(args.db) if getattr(args, "db", None) else None
    if file is None and not getattr(args, "db_url", None):
        file = default_db_path()
    created = file is not None and not file.exists()
    db = open_db(args)
    try:
        result = install_unlocked(db, unlocked, actor=_actor(), set_aside=args.set_aside)
    except BaseException:
        # A refused setup file leaves no new, empty database behind.
        db.dispose()
        if created and file is not None:
            for leftover in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    department = f"phòng {result.department.code} ({result.department.name})"
    if result.already_installed:
        if result.key_restored:
            say(
                f"Tệp thiết lập này đã được cài vào {db.label} cho {department}; khóa ký của phòng, "
                "máy này chưa có, đã được cất lại: máy này ký được tệp nộp."
            )
        else:
            say(f"Tệp thiết lập này đã được cài vào {db.label} cho {department}; không có gì thay đổi.")
        return EXIT_OK
    action = "Đã cập nhật" if result.replaced else "Đã tạo"
    say(f"{action} cơ sở dữ liệu {db.label} cho {department}, năm {result.year}.")
    say(
        f"{format_number(result.rows)} chỉ tiêu của phòng; {format_number(result.values_changed)} giá trị được ghi; "
        f"tệp nộp tiếp theo mang số thứ tự {result.next_sequence}."
    )
    if result.set_aside is not None:
        count = format_number(result.set_aside_count)
        say(f"{count} số liệu đã sửa mà chưa gửi được để riêng trong tệp {result.set_aside}.")
    say(where_kept(result.key_store))
    return EXIT_OK


def run_export_submission(args: argparse.Namespace) -> int:
    from db.submission_export import export_submission

    db = open_db(args)
    result = export_submission(db, args.year, PeriodKind(args.period), Path(args.out), actor=_actor())
    say(
        f"Đã xuất tệp nộp số liệu {result.kind.label.lower()} năm {result.year} của phòng {result.department.code}: "
        f"{result.path}"
    )
    say(f"Số thứ tự {result.sequence}; {result.entered}/{result.values} chỉ tiêu đã có số liệu; đã ký.")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from db.import_outcomes import ImportStatus, known_only

    paths = [Path(name) for name in args.files]
    # A batch already imported is answered from the file alone: nothing to merge, back up or sign-check.
    file = _database_file(args)
    outcomes = known_only(file, paths) if file is not None else None
    if outcomes is None:
        from db.submission_import import import_submissions

        db = open_db(args, plain=True)
        _backup(db, BackupReason.IMPORT)
        outcomes = import_submissions(db, paths, actor=_actor(), accept_unsigned=args.accept_unsigned)
    for outcome in outcomes:
        say(outcome.message)
    counts = {status: sum(1 for o in outcomes if o.status is status) for status in ImportStatus}
    say(
        f"Tổng cộng {format_number(len(outcomes))} tệp: {format_number(counts[ImportStatus.ACCEPTED])} đã nhận, "
        f"{format_number(counts[ImportStatus.UNCHANGED])} không thay đổi, "
        f"{format_number(counts[ImportStatus.REFUSED])} bị từ chối."
    )
    if counts[ImportStatus.REFUSED]:
        return fail(
            f"{counts[ImportStatus.REFUSED]} tệp bị từ chối; số liệu từ các tệp đó không được ghi", EXIT_REFUSED
        )
    return EXIT_OK


def _database_file(args: argparse.Namespace) -> Path | None:
    """The SQLite file the command opens; ``None`` for a database given by URL."""
    if getattr(args, "db_url", None):
        return None
    if getattr(args, "db", None):
        return Path(args.db).expanduser()
    from db.database import default_db_path

    return default_db_path()


def run_export_template(args: argparse.Namespace) -> int:
    from bkdesk.text import clean
    from db.template_export import export_template

    db = open_db(args)
    result = export_template(db, clean(args.department), args.year, PeriodKind(args.period), Path(args.out))
    say(
        f"Đã xuất biểu mẫu Excel {result.kind.label.lower()} năm {result.year} cho phòng {result.department.code} "
        f"({result.rows} chỉ tiêu): {result.path}"
    )
    say("Khi nhận lại, nhập bằng: import-submissions TỆP.xlsx --accept-unsigned")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from db.status import set_deadline, status_report

    db = open_db(args)
    kind = PeriodKind(args.period)
    if args.deadline is not None:
        change = set_deadline(db, args.year, kind, args.deadline, actor=_actor())
        if not args.json:
            say(_deadline_change_text(change.old, change.new, args.year, kind))
    report = status_report(db, args.year, kind)
    say(json_dump(status_json(report)) if args.json else status_text(report))
    return EXIT_OK


def _deadline_change_text(old: date | None, new: date | None, year: int, kind: PeriodKind) -> str:
    from bkdesk.reports.settings import format_date

    what = f"Hạn nộp số liệu {kind.label.lower()} năm {year}"
    if old == new:
        return f"{what} vẫn là {format_date(new) or 'chưa đặt'}; không có gì thay đổi."
    if new is None:
        return f"Đã bỏ hạn nộp số liệu {kind.label.lower()} năm {year} (trước đó: {format_date(old)})."
    before = f" (trước đó: {format_date(old)})" if old is not None else ""
    return f"Đã đặt {what[0].lower()}{what[1:]}: {format_date(new)}{before}."


def status_json(report: StatusReport) -> dict[str, Any]:
    """The status as ``status --json`` prints it: one object per phòng under ``departments``."""
    from bkdesk.exchange.documents import iso
    from db.status import installation_name

    def installation(view: InstallationView) -> dict[str, Any]:
        return {
            "id": installation_name(view) if view.installation_id else None,
            "installation_id": view.installation_id or None,
            "setup_file": view.setup_file,
            "setup_issued_at": iso(view.setup_issued_at),
            "first_file_at": iso(view.first_file_at),
            "last_sequence": view.last_sequence,
            "last_file": view.last_file_name or None,
            "last_received_at": iso(view.last_received_at),
            "current": view.current,
        }

    def department(line: DepartmentStatus) -> dict[str, Any]:
        last = line.last_file
        return {
            "code": line.code,
            "name": line.name,
            "assigned": line.assigned,
            "sent": line.sent,
            "entered": line.entered,
            "open_conflicts": line.open_conflicts,
            "late": line.late,
            "standing": line.standing.text,
            "issued_at": iso(line.issued_at),
            "first_received_at": iso(line.first_received_at),
            "last_file": last.name if last is not None else None,
            "last_received_at": iso(last.received_at) if last is not None else None,
            "last_made_at": iso(last.made_at) if last is not None else None,
            "last_sequence": last.sequence if last is not None else None,
            "signed": last.signed if last is not None else None,
            "template": last.template if last is not None else None,
            "installations": [installation(view) for view in line.installations],
            "doubled_setups": [group[0].setup_file or group[0].setup_id for group in line.doubled],
        }

    return {
        "year": report.year,
        "period": report.kind.value,
        "deadline": report.deadline.isoformat() if report.deadline is not None else None,
        "deadline_passed": report.deadline_passed,
        "locked": report.locked,
        "lock_reason": report.lock_reason,
        "departments": [department(line) for line in report.lines],
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def status_text(report: StatusReport) -> str:
    from bkdesk.deadline import late_summary
    from bkdesk.exchange.times import local_text
    from bkdesk.reports.settings import format_date
    from db.status import doubled_texts, installation_text

    kind, year = report.kind, report.year
    out = [f"TÌNH HÌNH NỘP SỐ LIỆU {kind.label.upper()} NĂM {year}"]
    if report.deadline is None:
        out.append(f"Hạn nộp: chưa đặt (đặt bằng: status --year {year} --deadline dd/mm/yyyy)")
    else:
        passed = "đã qua" if report.deadline_passed else "chưa đến"
        out.append(f"Hạn nộp: {format_date(report.deadline)} ({passed})")
    out.append(
        f"Số liệu kỳ này: ĐÃ CHỐT (lý do: {report.lock_reason}); không nhận thêm tệp nào"
        if report.locked
        else "Số liệu kỳ này: đang mở"
    )
    header = (
        f"{'Mã':<7} {'Phòng':<32} {'Giao':>4} {'Phòng gửi':>9} {'Bản cài':>7}  {'Nhận tệp cuối':<16}  "
        f"{'Tệp lập/lưu lúc':<16}  "
        f"{'Số TT':>5}  {'Chữ ký':<9} {'Xung đột':>8}  Tình trạng"
    )
    out += ["", header, "-" * len(header)]
    for line in report.lines:
        last = line.last_file
        received = local_text(last.received_at) if last is not None else "—"
        made = local_text(last.made_at) if last is not None else "—"
        sequence = str(last.sequence) if last is not None and last.sequence is not None else "—"
        signed = "—" if last is None else ("mẫu Excel" if last.template else "đã ký" if last.signed else "chưa ký")
        installed = str(len(line.live_installations)) if line.installations else "—"
        out.append(
            f"{_cut(line.code, 7):<7} {_cut(line.name, 32):<32} {line.assigned:>4} {line.sent:>9} {installed:>7}  "
            f"{received:<16}  {made:<16}  {sequence:>5}  {signed:<9} {line.open_conflicts:>8}  {line.standing.text}"
        )
        if len(line.installations) > 1:
            out += [f"        {installation_text(view)}" for view in line.installations]
        out += [f"        {text}." for text in doubled_texts(line)]
    lines = report.lines
    received_from = sum(1 for line in lines if line.last_file is not None)
    out.append("")
    out.append(
        f"Tổng cộng: {sum(line.assigned for line in lines)} chỉ tiêu được giao, các phòng đã tự gửi số liệu của "
        f"{sum(line.sent for line in lines)} ({sum(line.entered for line in lines)} đã có số liệu trong biểu); "
        f"{received_from}/{len(lines)} phòng đã nộp; "
        f"{sum(line.open_conflicts for line in lines)} xung đột chưa giải quyết."
    )
    doubled = [line.code for line in lines if line.doubled]
    if doubled:
        out.append(f"Tệp thiết lập cài trên nhiều máy: {len(doubled)} phòng ({', '.join(doubled)}).")
    late = late_summary([line.code for line in report.overdue], [line.code for line in report.sent_late])
    if late:
        out.append(late + ".")
    return "\n".join(out)


def run_conflicts(args: argparse.Namespace) -> int:
    from db.conflicts import list_conflicts

    if args.year is None:
        return fail("cần --year để xem danh sách xung đột (hoặc: conflicts resolve SỐ --keep … --reason …)", 2)
    db = open_db(args)
    kind = PeriodKind(args.period) if args.period else None
    conflicts = list_conflicts(db, args.year, kind, include_closed=args.all)
    if not conflicts:
        say(f"Không có xung đột {'nào' if args.all else 'chưa giải quyết'} năm {args.year}.")
        return EXIT_OK
    for c in conflicts:
        say(
            f"#{c.id}  phòng {c.department_code}  {c.indicator_code} {c.indicator_name} "
            f"({c.kind.label.lower()} {c.year}), {c.field_label} — {c.status_label}"
        )
        for line in c.history:
            say(f"    {line}")
        if c.is_open:
            say(f'    giải quyết: conflicts resolve {c.id} --keep local|incoming --reason "…"')
    open_count = sum(1 for c in conflicts if c.is_open)
    say(f"{open_count} xung đột chưa giải quyết.")
    return EXIT_OK


def run_resolve(args: argparse.Namespace) -> int:
    from db.conflicts import Keep, resolve_conflict

    db = open_db(args)
    _backup(db, BackupReason.MERGE)
    result = resolve_conflict(db, args.id, Keep(args.keep), args.reason, actor=_actor())
    c = result.conflict
    which = "giá trị của văn phòng tổng hợp" if result.keep is Keep.LOCAL else "giá trị trong tệp của phòng"
    say(
        f"Đã giải quyết xung đột #{c.id} ({c.indicator_code}, {c.field_label}): giữ {which} «{result.kept}»"
        + ("; đã ghi giá trị mới." if result.changed else ".")
    )
    return EXIT_OK


def run_export_feedback(args: argparse.Namespace) -> int:
    from bkdesk.text import clean
    from db.feedback_export import export_feedback

    db = open_db(args)
    result = export_feedback(db, clean(args.department), args.year, Path(args.out), actor=_actor())
    say(result.headline())
    say(result.details())
    return EXIT_OK


def _figure_text(value: str, note: str) -> str:
    shown = f"«{value}»" if value else "(trống)"
    return shown + (f" (ghi chú «{note}»)" if note else "")


def _say_choices(views: Sequence[FeedbackChoiceView]) -> None:
    for view in views:
        say(f"#{view.id}  {view.code} {view.name} ({view.kind.label.lower()}, {view.what})")
        say(
            f"    văn phòng tổng hợp {_figure_text(view.city.value, view.city.note)} · phòng "
            f"{_figure_text(view.own.value, view.own.note)} · gốc {_figure_text(view.base.value, view.base.note)}"
        )
        if view.reason:
            say(f"    lý do của văn phòng: {view.reason}")
        say(f"    chọn: feedback-choices choose {view.id} --keep city|own")


def run_import_feedback(args: argparse.Namespace) -> int:
    from db.feedback_import import import_feedback

    db = open_db(args)
    _backup(db, BackupReason.FEEDBACK)
    result = import_feedback(db, Path(args.file), actor=_actor())
    say(result.headline())
    for line in result.resolution_lines():
        say(f"  {line}")
    if result.choices:
        say(result.choices_line())
        _say_choices(result.choices)
    return EXIT_OK


def run_feedback_choices(args: argparse.Namespace) -> int:
    from db.feedback_import import list_choices

    db = open_db(args)
    views = list_choices(db)
    if not views:
        say("Không có số liệu nào chờ chọn sau tệp phản hồi.")
        return EXIT_OK
    _say_choices(views)
    say(f"{len(views)} số liệu chờ chọn.")
    return EXIT_OK


def run_feedback_choose(args: argparse.Namespace) -> int:
    from db.feedback_import import Keep, choose

    db = open_db(args)
    _backup(db, BackupReason.FEEDBACK)
    result = choose(db, args.id, Keep(args.keep), actor=_actor())
    v = result.view
    if result.keep is Keep.CITY:
        city = _figure_text(v.city.value, v.city.note)
        say(f"{v.code} ({v.kind.label.lower()}): đã lấy số của văn phòng tổng hợp {city}.")
    else:
        say(
            f"{v.code} ({v.kind.label.lower()}): giữ số của phòng {_figure_text(v.own.value, v.own.note)}; "
            "tệp nộp tiếp theo sẽ gửi số này."
        )
    return EXIT_OK


def _lock(args: argparse.Namespace, locked: bool) -> int:
    from db.locking import lock_period, unlock_period

    db = open_db(args)
    _backup(db, BackupReason.LOCK if locked else BackupReason.UNLOCK)
    kinds = [PeriodKind(args.period)] if args.period else None
    action = lock_period if locked else unlock_period
    changes = action(db, args.year, kinds, args.reason, actor=_actor())
    for change in changes:
        label = f"{change.kind.label} năm {change.year}"
        if change.changed:
            say(f"{label}: {'đã chốt' if locked else 'đã mở khóa'} (lý do: {change.reason}).")
        else:
            say(f"{label}: {'đã được chốt từ trước' if locked else 'đang mở, không cần mở khóa'}.")
    return EXIT_OK


def run_lock(args: argparse.Namespace) -> int:
    return _lock(args, True)


def run_unlock(args: argparse.Namespace) -> int:
    return _lock(args, False)


def run_audit(args: argparse.Namespace) -> int:
    from bkdesk.exchange.times import local_text
    from bkdesk.text import clean
    from db.audit import history

    db = open_db(args)
    code = clean(args.indicator) if args.indicator else None
    entries = history(db, args.year, code)
    scope = f" — chỉ tiêu {code}" if code else ""
    if not entries:
        say(f"Chưa có thay đổi nào năm {args.year}{scope}.")
        return EXIT_OK
    say(f"LỊCH SỬ THAY ĐỔI NĂM {args.year}{scope.upper() if code else ''} ({len(entries)} mục)")
    periods = {kind.value: kind.label.lower() for kind in PeriodKind}
    for entry in entries:
        what = entry.indicator_code or "—"
        if entry.period:
            what += f" ({periods.get(entry.period, entry.period)})"
        change = f"«{entry.old}» → «{entry.new}»" if entry.old or entry.field else f"{entry.new}"
        say(f"{local_text(entry.at)}  {entry.action}  {what}: {change}")
        details = f"    người thực hiện: {entry.actor or 'không rõ'}; nguồn: {entry.source or 'không rõ'}"
        if entry.reason:
            details += f"; lý do: {entry.reason}"
        say(details)
    return EXIT_OK
