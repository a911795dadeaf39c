"""Synthesis side: the return file to a phòng, with the city's figures, targets, verdicts and decisions.

Signed with the office's key (:mod:`db.office_key`). Its figures are kept as the merge
state ``feedback:<id>``: a phòng PC that takes the file makes its next files from it, so
what the office decided is the base they are merged against. Made only when none of the
phòng's conflicts of the year is open, so every figure in it is one the office stands by.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk import __version__
from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange.feedback import CityFigure, Feedback, FeedbackRow, Resolution, write_feedback
from db import audit
from db.database import Database
from db.errors import StoreError
from db.exchange import department_table, figure_of, figures, issues_of, write_file_atomically
from db.exchange_models import ConflictRow, Installation, IssuedFeedback
from db.merge_states import feedback_state, save_bases
from db.models import IndicatorRow, OverrideRow, PeriodRow, utcnow
from db.office_key import office_key, office_private_key
from db.plain import plain_of
from db.roles import require_synthesis
from db.tables import ensure_period


@dataclass(frozen=True, slots=True)
class FeedbackExport:
    department: Department
    year: int
    path: Path
    rows: int  # the phòng's assigned indicators, counted as everywhere (bkdesk.catalogue.is_assigned)
    figures: int  # figures (of both periods) that are not empty
    resolutions: int
    warning: str  # a phòng whose current setup file cannot check the return file, said so; else ""

    def headline(self) -> str:
        return f"Đã ghi tệp phản hồi năm {self.year} cho phòng {self.department.code}: {self.path}"

    def details(self) -> str:
        lines = [
            f"{self.rows} chỉ tiêu của phòng, {self.figures} số liệu, {self.resolutions} xung đột đã giải quyết; "
            "đã ký bằng khóa của văn phòng tổng hợp.",
            "Gửi tệp cho phòng qua thư điện tử hoặc USB; trên máy của phòng: Trao đổi → Nhận phản hồi… (lệnh "
            "import-feedback).",
        ]
        return "\n".join([*lines, self.warning] if self.warning else lines)


def export_feedback(db: Database, code: str, year: int, out: Path, *, actor: str) -> FeedbackExport:
    with db.begin() as session:
        require_synthesis(session, "gửi tệp phản hồi cho phòng", db.label)
        key = office_key(session)
        department, _rows, mine = department_table(session, code, year)
        issued = issues_of(session, department.id)
        if key is None or not issued:
            raise StoreError(
                f"Phòng {department.code} chưa có tệp thiết lập mang khóa của văn phòng tổng hợp: hãy cấp tệp thiết "
                f"lập cho phòng (lệnh issue-department / Cấp tệp thiết lập…) rồi mới gửi tệp phản hồi. Chưa ghi gì."
            )
        private_key = office_private_key(key)
        periods = {kind: ensure_period(session, year, kind) for kind in PeriodKind}
        open_ = session.execute(
            select(IndicatorRow.code)
            .join(ConflictRow, ConflictRow.indicator_id == IndicatorRow.id)
            .where(
                ConflictRow.department_id == department.id,
                ConflictRow.status == "open",
                ConflictRow.period_id.in_([p.id for p in periods.values()]),
            )
            .order_by(IndicatorRow.code)
        ).all()
        if open_:
            codes = sorted({row.code for row in open_})
            shown = ", ".join(codes[:8]) + (f" và {len(codes) - 8} chỉ tiêu khác" if len(codes) > 8 else "")
            raise StoreError(
                f"Phòng {department.code} còn {len(open_)} xung đột chưa giải quyết năm {year} ({shown}): hãy giải "
                "quyết trước (lệnh conflicts / Xung đột…), để tệp phản hồi mang số văn phòng tổng hợp đã chốt. "
                "Chưa ghi gì."
            )
        ids = [row.indicator_id for row in mine]
        held = {kind: figures(session, period, ids) for kind, period in periods.items()}
        overrides = {
            (row.indicator_id, row.period_id): row
            for row in session.scalars(
                select(OverrideRow).where(
                    OverrideRow.indicator_id.in_(ids), OverrideRow.period_id.in_([p.id for p in periods.values()])
                )
            )
        }
        rows = []
        for row in mine:
            cities = {}
            for kind, period in periods.items():
                override = overrides.get((row.indicator_id, period.id))
                cities[kind] = CityFigure(
                    figure_of(held[kind].get(row.indicator_id)),
                    override.verdict if override is not None else "",
                    override.reason if override is not None else "",
                )
            rows.append(FeedbackRow(row.indicator.code, row.target, cities))
        now = utcnow()
        feedback = Feedback(
            feedback_id=str(uuid.uuid4()),
            department=Department(department.code, department.name),
            year=year,
            issued_at=now,
            issued_by=actor,
            app_version=__version__,
            key_id=key.key_id,
            received=_received(session, department.id),
            rows=tuple(rows),
            resolutions=_resolutions(session, department.id, periods),
        )
        state = feedback_state(feedback.feedback_id)
        for kind, period in periods.items():
            agreed = {row.indicator_id: figure_of(held[kind].get(row.indicator_id)) for row in mine}
            save_bases(plain_of(session), {}, department.id, period.id, agreed, state)
        session.add(
            IssuedFeedback(
                feedback_id=feedback.feedback_id,
                department_id=department.id,
                year=year,
                key_id=key.key_id,
                issued_at=now,
                issued_by=actor,
                file_name=out.name,
                rows=len(rows),
            )
        )
        filled = sum(1 for row in rows for city in row.periods.values() if city.figure.value)
        audit.record(
            session,
            actor=actor,
            action="gửi tệp phản hồi",
            year=year,
            new=f"phòng {department.code}: {len(rows)} chỉ tiêu, {filled} số liệu, "
            f"{len(feedback.resolutions)} xung đột đã giải quyết",
            source=f"tệp {out.name}",
        )
        session.flush()
        write_file_atomically(out, write_feedback(feedback, private_key))
        current = issued[0]
        warning = (
            ""
            if current.office_key_id == key.key_id
            else f"Tệp thiết lập hiện hành của phòng {department.code} ({current.file_name or current.setup_id}) "
            "cấp trước khi văn phòng có khóa ký này: máy của phòng sẽ không nhận được tệp phản hồi cho đến khi "
            "được cấp lại tệp thiết lập."
        )
        return FeedbackExport(
            Department(department.code, department.name),
            year,
            out,
            sum(1 for row in mine if row.assigned),
            filled,
            len(feedback.resolutions),
            warning,
        )


def _received(session: Session, department_id: int) -> dict[str, int]:
    query = select(Installation.installation_id, Installation.last_sequence).where(
        Installation.department_id == department_id
    )
    return {installation_id: sequence for installation_id, sequence in session.execute(query)}


def _resolutions(session: Session, department_id: int, periods: dict[PeriodKind, PeriodRow]) -> tuple[Resolution, ...]:
    kinds = {period.id: kind for kind, period in periods.items()}
    query = (
        select(ConflictRow, IndicatorRow.code)
        .join(IndicatorRow, IndicatorRow.id == ConflictRow.indicator_id)
        .where(
            ConflictRow.department_id == department_id,
            ConflictRow.status == "resolved",
            ConflictRow.period_id.in_(list(kinds)),
        )
        .order_by(ConflictRow.resolved_at, ConflictRow.id)
    )
    return tuple(
        Resolution(
            code=code,
            kind=kinds[row.period_id],
            field=row.field,
            base=row.base,
            city=row.local,
            sent=row.incoming,
            resolution=row.resolution,
            reason=row.reason,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            arose_at=row.created_at,
        )
        for row, code in session.execute(query)
    )
