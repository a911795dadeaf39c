"""Whose database this is: the synthesis office's (the one that issues), or one phòng's.

A phòng's database is made by ``setup`` from the file the synthesis office issued;
it records its owner in the ``settings`` table (``role`` = the phòng's code). A
database without that entry is the synthesis office's. Commands that belong to one
side refuse to run on the other, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department
from db.database import Database
from db.errors import StoreError
from db.file_format import ROLE_KEY, SYNTHESIS_ROLE
from db.models import DepartmentRow, IndicatorRow, SettingRow, put_setting


@dataclass(frozen=True, slots=True)
class DatabaseRole:
    """``department`` is the owning phòng, or ``None`` for the synthesis office."""

    department: Department | None = None

    @property
    def is_synthesis(self) -> bool:
        return self.department is None

    @property
    def code(self) -> str:
        return self.department.code if self.department else SYNTHESIS_ROLE

    @property
    def label(self) -> str:
        if self.department is None:
            return "văn phòng tổng hợp"
        return f"phòng {self.department.code} ({self.department.name})"


def role_in(session: Session) -> DatabaseRole:
    code = session.scalar(select(SettingRow.value).where(SettingRow.key == ROLE_KEY))
    if not code or code == SYNTHESIS_ROLE:
        return DatabaseRole()
    # Only a phòng's database has an identity; the synthesis office's start-up skips this import.
    from db.exchange_models import DepartmentIdentity

    identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
    name = identity.department_name if identity is not None and identity.department_code == code else ""
    if not name:
        name = session.scalar(select(DepartmentRow.name).where(DepartmentRow.code == code)) or code
    return DatabaseRole(Department(code, name))


def database_role(db: Database) -> DatabaseRole:
    with db.read() as session:
        return role_in(session)


def set_department_role(session: Session, code: str) -> None:
    put_setting(session, ROLE_KEY, code)


def require_synthesis(session: Session, action: str, label: str) -> None:
    """Refuse ``action`` (e.g. "cấp tệp thiết lập") on a phòng's database."""
    role = role_in(session)
    if not role.is_synthesis:
        raise StoreError(
            f"Chỉ văn phòng tổng hợp mới {action}; cơ sở dữ liệu {label} thuộc {role.label}. "
            "Hãy chạy lệnh này trên cơ sở dữ liệu của văn phòng tổng hợp."
        )


def require_department(session: Session, action: str, label: str) -> Department:
    """Refuse ``action`` on the synthesis office's database; return the owning phòng."""
    role = role_in(session)
    if role.department is None:
        raise StoreError(
            f"Chỉ cơ sở dữ liệu của một phòng (tạo bằng lệnh setup từ tệp thiết lập) mới {action}; "
            f"cơ sở dữ liệu {label} là của văn phòng tổng hợp."
        )
    return role.department


def refuse_other_department(session: Session, indicator: IndicatorRow) -> None:
    """On a phòng's database, only its own indicators may be entered."""
    role = role_in(session)
    if role.department is None:
        return
    owner = session.get(DepartmentRow, indicator.department_id) if indicator.department_id is not None else None
    if owner is None or owner.code != role.department.code:
        whose = f"thuộc {owner.name} ({owner.code})" if owner is not None else "không thuộc phòng nào"
        raise StoreError(
            f"Chỉ tiêu {indicator.code} ({indicator.name}) {whose}; cơ sở dữ liệu này chỉ nhập số liệu của {role.label}"
        )


def refuse_department_database(session: Session, action: str, label: str, why: str) -> None:
    """Refuse ``action`` (loading the demo, a whole table) on a phòng's database, saying ``why`` it would harm it."""
    role = role_in(session)
    if not role.is_synthesis:
        raise StoreError(f"Không {action} vào {label}: đây là cơ sở dữ liệu của {role.label}; {why}")


def require_office_database(db: Database, action: str, why: str) -> None:
    """:func:`refuse_department_database` before anything else is read: a command checks this first."""
    with db.read() as session:
        refuse_department_database(session, action, db.label, why)
