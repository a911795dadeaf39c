"""Issuing a phòng: its setup file with a new signing key; the synthesis office keeps the public half.

The key gets a random id and is sealed in the file with a passphrase
(:mod:`bkdesk.exchange.key_seal`): one bkdesk generates (80 bits, shown once, never
stored) or the office's own. Issuing again (a new PC, new targets, a lost stick) makes
a new key and a new setup whose figures become the base of the files made from it
(by each installation, and the first format's per-phòng base) and whose sequence
numbers continue above the last one received; files signed with an earlier key are
refused from then on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk import __version__
from bkdesk.catalogue import Department, PeriodKind, with_ancestors
from bkdesk.exchange import key_seal, signing
from bkdesk.exchange.setup_file import Setup, SetupRow, write_setup
from db import audit
from db.database import Database
from db.errors import InvalidInput
from db.exchange import (
    YearRow,
    department_table,
    figure_of,
    figures,
    issues_of,
    last_sequence,
    write_file_atomically,
)
from db.exchange_models import IssuedSetup
from db.merge_states import bases, save_bases, setup_state
from db.models import DepartmentRow, ValueRow, utcnow
from db.office_key import OfficePublicKey, ensure_office_key
from db.plain import plain_of
from db.roles import require_synthesis
from db.tables import ensure_period, last_year_texts


@dataclass(frozen=True, slots=True)
class IssueResult:
    department: Department
    year: int
    path: Path
    rows: int
    sequence: int
    key_id: str
    reissued: bool
    passphrase: str  # what opens the key: shown to the office once, never stored
    generated: bool  # made by bkdesk (else the office's own, which it already knows)


@dataclass(frozen=True, slots=True)
class _NewKey:
    setup_id: str
    key_id: str
    public_key: str
    sealed: key_seal.SealedKey


def issue_department(
    db: Database, code: str, year: int, out: Path, *, actor: str, passphrase: str | None = None
) -> IssueResult:
    """Make the setup file for phòng ``code`` and record its public key and merge base.

    ``passphrase`` is the office's own (at least 16 characters); without it one is generated.
    """
    try:
        chosen = key_seal.new_passphrase() if passphrase is None else key_seal.office_passphrase(passphrase)
    except key_seal.PassphraseRefused as exc:
        raise InvalidInput(f"Không cấp tệp thiết lập: {exc.message}") from exc
    pair = signing.new_key_pair()
    setup_id, key_id = str(uuid.uuid4()), signing.new_key_id()
    # scrypt before the write lock: it takes a tenth of a second on purpose.
    sealed = key_seal.seal_private_key(pair.private_key, chosen, setup_id=setup_id, department=code, key_id=key_id)
    new_key = _NewKey(setup_id, key_id, pair.public_key, sealed)
    with db.read() as session:
        require_synthesis(session, "cấp tệp thiết lập cho phòng", db.label)
    # Its public half goes into the setup file, so the phòng can check the office's return files.
    office = ensure_office_key(db, actor=actor)
    with db.begin() as session:
        require_synthesis(session, "cấp tệp thiết lập cho phòng", db.label)
        department, rows, mine = department_table(session, code, year)
        keep = with_ancestors((row.indicator for row in rows), (row.indicator.code for row in mine))
        included = [row for row in rows if row.indicator.code in keep]
        setup = _setup(session, department, year, included, mine, actor, new_key, office)
        reissued = bool(issues_of(session, department.id))
        session.add(
            IssuedSetup(
                setup_id=setup.setup_id,
                department_id=department.id,
                year=year,
                public_key=new_key.public_key,
                key_id=setup.key_id,
                sequence_start=setup.sequence,
                last_sequence=setup.sequence,
                issued_at=setup.issued_at,
                issued_by=actor,
                file_name=out.name,
                office_key_id=office.key_id,
            )
        )
        audit.record(
            session,
            actor=actor,
            action="cấp tệp thiết lập",
            year=year,
            new=f"phòng {department.code}, khóa {setup.key_id}, tiếp từ số thứ tự {setup.sequence + 1}",
            source=f"tệp {out.name}",
        )
        session.flush()
        write_file_atomically(out, write_setup(setup), private=True)
        return IssueResult(
            Department(department.code, department.name),
            year,
            out,
            sum(1 for row in mine if row.assigned),
            setup.sequence,
            setup.key_id,
            reissued,
            chosen,
            passphrase is None,
        )


def _setup(
    session: Session,
    department: DepartmentRow,
    year: int,
    included: list[YearRow],
    mine: list[YearRow],
    actor: str,
    key: _NewKey,
    office: OfficePublicKey,
) -> Setup:
    now = utcnow()
    own_ids = {row.indicator_id for row in mine}
    stored: dict[PeriodKind, dict[int, ValueRow]] = {}
    for kind in PeriodKind:
        period = ensure_period(session, year, kind)
        values = stored[kind] = figures(session, period, own_ids)
        # The figures handed over become what the next file from this phòng is compared with.
        agreed = {indicator_id: figure_of(values.get(indicator_id)) for indicator_id in own_ids}
        plain = plain_of(session)
        save_bases(plain, bases(plain, department.id, period.id), department.id, period.id, agreed)
        save_bases(plain, {}, department.id, period.id, agreed, setup_state(key.setup_id))
    # Last year's result and the printed "so với cùng kỳ" of every row, as the office's grid works it out.
    last_year = last_year_texts(session, year)
    printed = figures(session, ensure_period(session, year, PeriodKind.ESTIMATE), [r.indicator_id for r in included])
    owners = {row.indicator.department for row in included if row.indicator.department}
    departments = tuple(
        Department(d.code, d.name)
        for d in session.scalars(select(DepartmentRow).order_by(DepartmentRow.id))
        if d.code in owners
    )
    # The key was sealed for the code asked for; the catalogue found the phòng by that very code.
    assert key.sealed.department == department.code
    return Setup(
        setup_id=key.setup_id,
        department=Department(department.code, department.name),
        year=year,
        sequence=last_sequence(session, department.id),
        issued_at=now,
        issued_by=actor,
        app_version=__version__,
        key_id=key.key_id,
        sealed_key=key.sealed,
        departments=departments,
        rows=tuple(
            SetupRow(
                row.indicator,
                row.target,
                {kind: figure_of(stored[kind].get(row.indicator_id)) for kind in PeriodKind}
                if row.indicator_id in own_ids
                else {},
                *last_year.get(row.indicator_id, ("", "")),
                *_printed(printed.get(row.indicator_id)),
            )
            for row in included
        ),
        office_key_id=office.key_id,
        office_public_key=office.public_key,
    )


def _printed(value: ValueRow | None) -> tuple[str, str]:
    """The "so với cùng kỳ" a table printed for the row, and the estimate it was printed for."""
    if value is None or not value.reported_pct_last_year:
        return "", ""
    return value.reported_pct_last_year, value.reported_pct_estimate or value.text
