"""Tables of the exchange between the phòng and the synthesis office.

On a phòng's database: its identity and signing key (:class:`DepartmentIdentity`), and
what it last sent or received of each value (:class:`SentFigure`). On the synthesis
office's: the setups it issued with their public keys, the installations that sent
files, the files it imported, the states files are merged against, where each value
came from, and conflicts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow


class DepartmentIdentity(Base):
    """Phòng side: which phòng this database belongs to, where its signing key is kept, its export counter.

    The private key itself is never stored here in the clear: it lives in the operating
    system's keyring (``key_store`` "keyring") or, where none works, ``sealed_key`` holds
    it encrypted with a key kept in the user's config folder (``key_store`` "config").
    ``legacy_private_key`` is the plain key of a database set up before schema version 3,
    moved into the key store at its first signing and emptied.
    """

    __tablename__ = "exchange_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_code: Mapped[str] = mapped_column(String(32))
    department_name: Mapped[str] = mapped_column(Text)
    setup_id: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime]
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    key_store: Mapped[str] = mapped_column(String(16), default="")
    sealed_key: Mapped[str] = mapped_column(Text, default="")
    legacy_private_key: Mapped[str] = mapped_column(Text, default="")
    # Made anew by each setup file installed (uuid4); empty on a database set up before schema
    # version 4, whose files keep the first format until a setup file is installed again.
    installation_id: Mapped[str] = mapped_column(String(36), default="")
    # The synthesis office's public key from the setup file (empty when the file was issued
    # before the office had one), and the last return file taken, by id and time of issue.
    office_key_id: Mapped[str] = mapped_column(String(32), default="")
    office_public_key: Mapped[str] = mapped_column(String(64), default="")
    feedback_id: Mapped[str] = mapped_column(String(36), default="")
    feedback_issued_at: Mapped[datetime | None]


class SentFigure(Base):
    """Phòng side: a value and note as this installation last sent or received them, and when.

    ``state`` names that state as the synthesis office knows it ("setup:<setup id>" or
    "submission:<sequence>"): the next file of the period is made from it, and a figure
    whose value or note was written after ``based_at`` is marked edited in that file.
    """

    __tablename__ = "exchange_sent"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    based_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(80), default="")


class IssuedSetup(Base):
    """Synthesis side: a setup file handed to a phòng (one installation), with the public half of its key.

    ``key_id`` is random, so a file signed with a key this database has never seen (one
    issued after the backup it was restored from) is told apart from a forged one.
    ``last_sequence`` is the highest sequence number received from this installation.
    """

    __tablename__ = "exchange_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    setup_id: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int]
    public_key: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    sequence_start: Mapped[int] = mapped_column(Integer, default=0)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(default="")
    file_name: Mapped[str] = mapped_column(Text, default="")
    # The office key whose public half the setup file carried ("" before the office had one).
    office_key_id: Mapped[str] = mapped_column(String(32), default="")


class FeedbackChoice(Base):
    """Phòng side: a figure the phòng edited since its last file that a return file would replace.

    Neither side is taken until the officer picks one; the value and its base stay as they
    were, and no file is sent for the period meanwhile. ``fields`` names what differs
    ("value", "note" or both, comma-separated).
    """

    __tablename__ = "exchange_feedback_choices"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    feedback_id: Mapped[str] = mapped_column(String(36))
    fields: Mapped[str] = mapped_column(String(16))
    city_value: Mapped[str] = mapped_column(Text, default="")
    city_note: Mapped[str] = mapped_column(Text, default="")
    own_value: Mapped[str] = mapped_column(Text, default="")
    own_note: Mapped[str] = mapped_column(Text, default="")
    base_value: Mapped[str] = mapped_column(Text, default="")
    base_note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # the office's, when it settled a conflict on the figure
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeKey(Base):
    """Synthesis side: the office's signing key for return files; the private half is in the key store.

    Made with the first setup file issued from schema 5 on; its public half travels in every
    setup file issued since. Like a phòng's key it is kept in the operating system's keyring
    or sealed with a key in the user's config folder (``key_store``, ``sealed_key``).
    """

    __tablename__ = "exchange_office_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    key_store: Mapped[str] = mapped_column(String(16), default="")
    sealed_key: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(default="")


class IssuedFeedback(Base):
    """Synthesis side: a return file made for a phòng; its figures are kept as the merge state
    "feedback:<feedback id>" its PCs' next files are made from."""

    __tablename__ = "exchange_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[str] = mapped_column(String(36), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int]
    key_id: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(default="")
    file_name: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)


class Installation(Base):
    """Synthesis side: one PC's installation of a setup file, known from the first file it sent.

    One setup file installed on two PCs makes two installations (which cannot be told
    offline before their files arrive); each counts its own sequence and is merged
    against its own states.
    """

    __tablename__ = "exchange_installations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    installation_id: Mapped[str] = mapped_column(String(36), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    setup_id: Mapped[str] = mapped_column(String(64))
    first_file_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_submission_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_submissions.id"))


class ImportedSubmission(Base):
    """Synthesis side: a file accepted from a phòng (a refused file leaves no trace)."""

    __tablename__ = "exchange_submissions"
    __table_args__ = (Index("ix_exchange_submissions_department_sequence", "department_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    sequence: Mapped[int | None] = mapped_column(Integer)
    made_at: Mapped[datetime]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(default="")
    signed: Mapped[bool] = mapped_column(Boolean)
    file_name: Mapped[str] = mapped_column(Text)
    setup_id: Mapped[str | None] = mapped_column(String(64))
    template_id: Mapped[str | None] = mapped_column(String(64))
    installation_id: Mapped[str | None] = mapped_column(String(36))
    values_changed: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)


class MergeBase(Base):
    """Synthesis side: a value and note of a state a phòng's next file may be made from.

    ``channel`` names the state: "setup:<setup id>" for the figures an issued setup
    held, "file:<installation id>:<sequence>" for an accepted file's (the newest of each
    installation and period is kept). The empty channel is the one per-phòng base of
    first-format files (the setup, then each such file accepted), as before schema 4.
    """

    __tablename__ = "exchange_bases"
    __table_args__ = (UniqueConstraint("department_id", "indicator_id", "period_id", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    channel: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ValueProvenance(Base):
    """Synthesis side: each time a file set a value (the file's row holds its hash, phòng, sequence and times).

    The newest row of an indicator and period is where its value came from, unless an
    entry by hand came later (the audit log and ``indicator_values.source`` say so).
    """

    __tablename__ = "value_provenance"
    __table_args__ = (Index("ix_value_provenance_indicator_period", "indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("exchange_submissions.id"))


class ConflictRow(Base):
    """Synthesis side: both sides changed a value differently since the base; a person decides."""

    __tablename__ = "exchange_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("exchange_submissions.id"))
    field: Mapped[str] = mapped_column(String(8))
    base: Mapped[str] = mapped_column(Text, default="")
    local: Mapped[str] = mapped_column(Text, default="")
    incoming: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str] = mapped_column(default="")
    resolution: Mapped[str] = mapped_column(String(16), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
