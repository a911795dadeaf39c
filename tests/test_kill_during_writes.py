"""``kill -9`` inside every write a user starts: the database is whole and holds whole operations only.

Each command in :data:`WRITES` runs as a user runs it, in its own process, with
``BKDESK_TRACE_WRITES=1`` (``db/transactions.py``): it says ``write: begin`` once it holds
the write lock, ``write: commit`` before its commit and ``write: committed`` after. It is
run once to the end (the reference), then killed with SIGKILL at seeded points: a random
delay after one of its ``write: begin`` lines (scaled to how long that transaction took in
the reference), or at a ``write: commit`` line. After each kill:

- ``PRAGMA integrity_check`` is ``ok`` and no foreign key is broken;
- the content is the state before or after a whole transaction, and exactly the one the
  trace promises: every transaction said ``committed`` is in, none that had not reached
  ``commit`` (a kill between ``commit`` and ``committed`` may leave either);
- every stored figure, note, target and verdict override equals the newest audit entry's
  new value for it, and each entry's old value is the previous entry's new one;
- bkdesk opens the file and evaluates it; and what a user would check of that command
  holds (the demo scores 50/59 or is absent; an imported file is in with its record,
  values, provenance and audit, or leaves no trace).

At least one kill per command must land inside a write transaction (its trace ends at
``begin``): points are added until one does. Nothing here depends on time but where the
kills land; the seed is printed with every failure (``BKDESK_KILL_SEED=n`` replays one).

A new command that writes is added to :data:`WRITES`: its name, the database it starts
from, its command line, and, if it writes figures in more than one transaction, the
content after each of them.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixtures.commands import ROOT
from tests.fixtures.workbooks import SEED_HEADER, SEED_TITLE, seed_rows, write_workbook

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("BKDESK_KILL_SEED", "20201210"))
KILLS = 4  # planned kill points per command
MORE = 12  # points added at most while none has landed inside a write transaction
YEAR = 2020
DEMO_SUMMARY = "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt"

# Tables of the schema's own bookkeeping (version, migration head): not figures a kill could lose.
BOOKKEEPING = {"meta", "alembic_version"}
# Audit records about a field that do not store it: a conflict noted (the local value stays)
# and a decision (its write, if any, is the record before it).
NOT_STORES = {"ghi nhận xung đột", "giải quyết xung đột"}
# The audit's names of a figure row's columns (indicator_values).
STORED_FIELDS = {
    "value": "text",
    "note": "note",
    "reported_verdict": "reported_verdict",
    "reported_pct_last_year": "reported_pct_last_year",
}

Content = tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]


@dataclass(frozen=True)
class Inputs:
    """What the commands work on, made once for the session through bkdesk's own services."""

    demo: Path  # the demo database
    office: Path  # the demo with KT and YT issued, and A.3 changed at the office since
    workbook: Path  # the demo's 2020 appendix with revised estimates
    submissions: tuple[Path, ...]  # KT's first and second file, YT's first, oldest first
    revised: dict[str, str]  # the workbook's estimates that differ from the demo's
    phong: Path  # KT's database after its two files, with one figure edited since
    feedback: Path  # the office's return file to KT after merging them (a choice is left for KT)


@dataclass(frozen=True)
class Write:
    """A command that writes, as this test runs and checks it.

    ``base``: the database it starts from (copied for every run), or ``None`` for none.
    ``argv``: what follows ``python`` (run in the repository's root). ``states``: the
    content after each of its write transactions, the starting content first; ``None``
    when it stores everything in its last transaction (those before it, creating the
    schema, store no figure). ``check``: what a user would look at after the kill.
    ``env``: added to the test's environment.
    """

    name: str
    base: Callable[[Inputs], Path | None]
    argv: Callable[[Path, Inputs], list[str]]
    states: Callable[[Path, Inputs], list[Content]] | None = None
    check: Callable[[Path, Inputs], None] | None = None
    env: dict[str, str] = field(default_factory=dict)


# ---- what is stored, read with sqlite3 alone (the file may be anything after a kill) ----


def content(path: Path) -> Content:
    """Every row of every table but the bookkeeping, in rowid order, without its times.

    Times (``DATETIME`` columns) differ between two runs of the same command; everything
    else, ids included, is the same for the same operations. An absent file, a file
    without tables and an empty schema have the same, empty, content.
    """
    if not path.exists():
        return ()
    found = []
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for table in tables:
            if table in BOOKKEEPING:
                continue
            columns = [
                f'"{name}"'
                for _cid, name, kind, *_ in connection.execute(f'PRAGMA table_info("{table}")')
                if kind.upper() != "DATETIME"
            ]
            rows = tuple(connection.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid'))
            if rows:
                found.append((table, rows))
    return tuple(found)


def differences(got: Content, expected: Content) -> str:
    mine, theirs = dict(got), dict(expected)
    lines = []
    for table in sorted(set(mine) | set(theirs)):
        a, b = mine.get(table, ()), theirs.get(table, ())
        if a != b:
            other = sum(1 for row in a if row not in set(b))
            lines.append(f"  {table}: {len(a)} rows, expected {len(b)}; {other} not among the expected")
    return "\n".join(lines)


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        broken = [repr(row) for row in connection.execute("PRAGMA foreign_key_check")]
    return ([] if problems == ["ok"] else problems) + [f"foreign key: {row}" for row in broken]


def audit_chain_problems(path: Path) -> list[str]:
    """Where a stored field is not its newest audit entry's new value, or an entry's old not the one before's new."""
    if not path.exists():
        return []
    with closing(sqlite3.connect(path)) as connection:
        if connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0] == 0:
            return []  # no schema yet
        stored: dict[tuple[str, int, str, str], str] = {}
        for code, year, kind, *texts in connection.execute(
            f"SELECT i.code, p.year, p.kind, {', '.join('v.' + c for c in STORED_FIELDS.values())} "
            "FROM indicator_values v "
            "JOIN indicators i ON i.id = v.indicator_id JOIN periods p ON p.id = v.period_id"
        ):
            for name, text in zip(STORED_FIELDS, texts, strict=True):
                stored[code, year, kind, name] = text or ""
        for code, year, text in connection.execute(
            "SELECT i.code, t.year, t.text FROM targets t JOIN indicators i ON i.id = t.indicator_id"
        ):
            stored[code, year, "", "target"] = text or ""
        for code, year, kind, verdict in connection.execute(
            "SELECT i.code, p.year, p.kind, o.verdict FROM verdict_overrides o "
            "JOIN indicators i ON i.id = o.indicator_id JOIN periods p ON p.id = o.period_id"
        ):
            stored[code, year, kind, "verdict"] = verdict
        names = (*STORED_FIELDS, "target", "verdict")
        entries = connection.execute(
            "SELECT id, action, indicator_code, year, period, field, old, new FROM audit_log "
            f"WHERE indicator_code != '' AND field IN ({', '.join('?' * len(names))}) ORDER BY id",
            names,
        ).fetchall()
    problems = []
    newest: dict[tuple[str, int, str, str], str] = {}
    for ident, action, code, year, period, name, old, new in entries:
        if action in NOT_STORES:
            continue
        key = (code, year, period, name)
        before = newest.get(key, "")
        if old != before:
            problems.append(f"audit #{ident} {action} {key}: old «{old}», but the entry before it left «{before}»")
        newest[key] = new
    for key in sorted(set(stored) | set(newest), key=repr):
        if stored.get(key, "") != newest.get(key, ""):
            problems.append(f"{key}: stored «{stored.get(key, '')}», newest audit entry says «{newest.get(key, '')}»")
    return problems


def checkpointed(path: Path) -> Path:
    """Fold the write-ahead log into the file, so that copying the file alone copies everything."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


# ---- running and killing ----


@dataclass
class Run:
    """One run of a command: its trace, when each line came, and how it ended."""

    database: Path
    steps: list[str] = field(default_factory=list)  # begin / commit / committed / rollback, in order
    times: list[float] = field(default_factory=list)
    returncode: int | None = None
    stderr: str = ""

    def count(self, step: str) -> int:
        return self.steps.count(step)

    def spans(self) -> list[float]:
        """Seconds from each ``begin`` to its ``commit`` (or the next step)."""
        spans = []
        for index, step in enumerate(self.steps):
            if step == "begin" and index + 1 < len(self.steps):
                spans.append(self.times[index + 1] - self.times[index])
        return spans

    @property
    def landed(self) -> str:
        """Where the kill fell, read from what the process said before it died."""
        if self.returncode != -signal.SIGKILL:
            return "after the end"
        last = self.steps[-1] if self.steps else ""
        return {"begin": "inside a write", "commit": "at a commit"}.get(last, "between writes")


@dataclass(frozen=True)
class KillPoint:
    step: str  # the trace line counted: begin or commit
    transaction: int  # at its n-th occurrence, from 0
    delay: float  # seconds after it

    def __str__(self) -> str:
        return f"{self.delay * 1000:.1f} ms after «write: {self.step}» of transaction {self.transaction + 1}"


def start(write: Write, inputs: Inputs, folder: Path) -> tuple[subprocess.Popen[str], Run]:
    folder.mkdir(parents=True)
    database = folder / "bkdesk.sqlite"
    base = write.base(inputs)
    if base is not None:
        shutil.copyfile(base, database)
    process = subprocess.Popen(
        [sys.executable, *write.argv(database, inputs)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, **write.env, "BKDESK_TRACE_WRITES": "1"},
    )
    return process, Run(database)


def follow(process: subprocess.Popen[str], run: Run, point: KillPoint | None = None) -> Run:
    """Read the trace to its end; at ``point`` (if any), SIGKILL the process."""
    assert process.stderr is not None
    started = time.monotonic()
    other: list[str] = []
    killed = False
    for line in process.stderr:
        if not line.startswith("write: "):
            other.append(line)
            continue
        step = line.removeprefix("write: ").strip()
        run.steps.append(step)
        run.times.append(time.monotonic() - started)
        if point is not None and not killed and step == point.step and run.count(step) == point.transaction + 1:
            if point.delay:
                time.sleep(point.delay)
            process.send_signal(signal.SIGKILL)
            killed = True
    process.stderr.close()
    run.returncode = process.wait(timeout=300)
    run.stderr = "".join(other)
    return run


def plan(rng: random.Random, reference: Run, attempt: int) -> KillPoint:
    """The ``attempt``-th kill point: mostly a random moment inside a transaction, sometimes its commit."""
    spans = reference.spans()
    transaction = rng.randrange(len(spans))
    if attempt < KILLS:
        if attempt % 4 == 3:
            return KillPoint("commit", rng.randrange(reference.count("commit")), 0.0)
        return KillPoint("begin", transaction, rng.uniform(0.0, spans[transaction]))
    return KillPoint("begin", transaction, rng.uniform(0.0, spans[transaction] / 4))  # added: aim early


def expected_states(write: Write, inputs: Inputs, reference: Run, folder: Path) -> list[Content]:
    transactions = reference.count("begin")
    base = write.base(inputs)
    before = content(base) if base is not None else ()
    if write.states is None:
        return [before] * transactions + [content(reference.database)]
    working = folder / "states.sqlite"
    if base is not None:
        shutil.copyfile(base, working)
    states = write.states(working, inputs)
    assert len(states) == transactions + 1, (
        f"{write.name} wrote in {transactions} transactions, but its states give {len(states) - 1}: "
        "give the content after each of them"
    )
    assert states[0] == before
    assert states[-1] == content(reference.database), "the states end elsewhere than the command itself:\n" + (
        differences(content(reference.database), states[-1])
    )
    return states


def check_after_kill(write: Write, inputs: Inputs, run: Run, states: list[Content], where: str) -> None:
    path = run.database
    assert run.returncode in (0, -signal.SIGKILL), f"{where}: the command failed ({run.returncode}):\n{run.stderr}"
    if path.exists():
        damage = integrity(path)
        assert damage == [], f"{where}: the file is damaged: {damage}"
    committed = run.count("committed")
    allowed = [committed] + ([committed + 1] if run.steps[-1:] == ["commit"] else [])
    got = content(path)
    if all(got != states[index] for index in allowed):
        inside = [index for index, state in enumerate(states) if state == got]
        last = run.steps[-1] if run.steps else "nothing"
        raise AssertionError(
            f"{where}: the trace says {committed} transactions committed (its last line: {last}), but the content "
            + (f"is the state after {inside[0]} of them" if inside else "is no whole state:\n")
            + differences(got, states[min(committed, len(states) - 1)])
        )
    broken = audit_chain_problems(path)
    assert broken == [], f"{where}: the audit chain is broken ({len(broken)} places): {broken[:5]}"
    try:
        opens_with_bkdesk(path)
        if write.check is not None:
            write.check(path, inputs)
    except Exception as exc:
        raise AssertionError(f"{where}: {type(exc).__name__}: {exc}") from exc


def opens_with_bkdesk(path: Path) -> None:
    from db.schema import open_database
    from db.tables import evaluate, years

    db = open_database(path)
    try:
        for year in years(db):
            evaluate(db, year)
    finally:
        db.dispose()


# ---- the commands ----


def python_main(*args: str | Path) -> list[str]:
    return [str(ROOT / "main.py"), *map(str, args)]


def demo_whole_or_absent(path: Path, inputs: Inputs) -> None:
    from db.schema import open_database
    from db.tables import catalogue, evaluate, years

    db = open_database(path)
    try:
        if years(db):
            assert evaluate(db, YEAR).summary.phrase() == DEMO_SUMMARY
        else:
            assert catalogue(db) == []
    finally:
        db.dispose()


def table_whole_or_absent(path: Path, inputs: Inputs) -> None:
    from db.schema import open_database
    from db.tables import load_rows

    db = open_database(path)
    try:
        estimates = {row.indicator.code: row.estimate for row in load_rows(db, YEAR)}
    finally:
        db.dispose()
    taken = [code for code, text in inputs.revised.items() if estimates[code] == text]
    assert taken in ([], list(inputs.revised)), f"{len(taken)} of the table's {len(inputs.revised)} figures stored"


def deadline_whole_or_absent(path: Path, inputs: Inputs) -> None:
    """The deadline is kept with its audit entry, or neither is there."""
    with closing(sqlite3.connect(path)) as connection:
        kept = connection.execute("SELECT value FROM settings WHERE key = 'deadline.2020.uoc'").fetchall()
        audited = connection.execute("SELECT new FROM audit_log WHERE action = 'đặt hạn nộp'").fetchall()
    assert (kept, audited) in (([], []), ([("2020-12-15",)], [("15/12/2020",)])), (kept, audited)


def feedback_whole_or_absent(path: Path, inputs: Inputs) -> None:
    """The return file is taken with its figures, its choice and its audit entry, or leaves no trace."""
    with closing(sqlite3.connect(path)) as connection:
        taken = connection.execute("SELECT feedback_id FROM exchange_identity").fetchone()[0]
        audited = connection.execute("SELECT count(*) FROM audit_log WHERE action = 'nhận tệp phản hồi'").fetchone()[0]
        choices = connection.execute("SELECT count(*) FROM exchange_feedback_choices").fetchone()[0]
        a2 = connection.execute(
            "SELECT v.text FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id "
            "JOIN periods p ON p.id = v.period_id WHERE i.code = 'A.2' AND p.kind = 'uoc'"
        ).fetchone()[0]
    assert (bool(taken), audited, choices, a2) in ((False, 0, 0, "3.120"), (True, 1, 1, "3.150")), (taken, a2)


def files_whole_or_absent(path: Path, inputs: Inputs) -> None:
    """Each file is in with its record, its values' provenance and its audit entries, or leaves no trace."""
    with closing(sqlite3.connect(path)) as connection:
        for file in inputs.submissions:
            sha = hashlib.sha256(file.read_bytes()).hexdigest()
            audited = connection.execute(
                "SELECT count(*) FROM audit_log WHERE source LIKE ?", (f"%{file.name}%",)
            ).fetchone()[0]
            record = connection.execute(
                "SELECT id, values_changed, conflicts FROM exchange_submissions WHERE sha256 = ?", (sha,)
            ).fetchone()
            if record is None:
                assert audited == 0, f"{file.name} is not in, yet {audited} audit entries name it"
                continue
            ident, changed, conflicts = record
            provenance = connection.execute(
                "SELECT count(*) FROM value_provenance WHERE submission_id = ?", (ident,)
            ).fetchone()[0]
            noted = connection.execute(
                "SELECT count(*) FROM exchange_conflicts WHERE submission_id = ?", (ident,)
            ).fetchone()[0]
            assert (provenance, noted) == (changed, conflicts), file.name
            # The file's own entry, one per changed field at least, one per conflict.
            assert audited >= 1 + changed + conflicts, f"{file.name}: {audited} audit entries"


def states_of_submissions(path: Path, inputs: Inputs) -> list[Content]:
    """The office's content before the files and after each one, taken in as the command takes them."""
    from db.login import current_user
    from db.schema import open_database
    from db.submission_import import ImportStatus, import_submissions

    states = [content(path)]
    db = open_database(path)
    try:
        outcomes = import_submissions(
            db,
            list(inputs.submissions),
            actor=current_user(),
            progress=lambda _done, _total: states.append(content(path)),
        )
    finally:
        db.dispose()
    assert [outcome.status for outcome in outcomes] == [ImportStatus.ACCEPTED] * len(inputs.submissions)
    return states


def states_of_burst(path: Path, inputs: Inputs) -> list[Content]:
    from tests.fixtures.edit_burst import run_burst

    states = [content(path)]
    run_burst(path, after_each=lambda: states.append(content(path)))
    return states


WRITES = [
    Write("demo", base=lambda i: None, argv=lambda db, i: python_main("demo", "--db", db), check=demo_whole_or_absent),
    Write(
        "app first start",  # a new database gets the demo, then the window quits once it is ready
        base=lambda i: None,
        argv=lambda db, i: python_main("--db", db, "--role", "tonghop", "--period", "uoc"),
        check=demo_whole_or_absent,
        env={"BKDESK_QUIT_AFTER_READY": "1", "QT_QPA_PLATFORM": "offscreen"},
    ),
    Write(
        "import-table",
        base=lambda i: i.demo,
        argv=lambda db, i: python_main("import-table", i.workbook, "--year", YEAR, "--db", db),
        check=table_whole_or_absent,
    ),
    Write(
        "import-submissions",
        base=lambda i: i.office,
        argv=lambda db, i: python_main("import-submissions", *i.submissions, "--db", db),
        states=states_of_submissions,
        check=files_whole_or_absent,
    ),
    Write(
        "import-feedback",
        base=lambda i: i.phong,
        argv=lambda db, i: python_main("import-feedback", i.feedback, "--db", db),
        check=feedback_whole_or_absent,
    ),
    Write(
        "status --deadline",
        base=lambda i: i.office,
        argv=lambda db, i: python_main("status", "--year", YEAR, "--deadline", "15/12/2020", "--db", db),
        check=deadline_whole_or_absent,
    ),
    Write(
        "edits",  # sixty edits as the grid sends them: figures, pasted blocks, notes, targets, overrides
        base=lambda i: i.demo,
        argv=lambda db, i: ["-m", "tests.fixtures.edit_burst", str(db)],
        states=states_of_burst,
    ),
]


# ---- the session's inputs ----


def revised_workbook(path: Path) -> tuple[Path, dict[str, str]]:
    """The demo's 2020 appendix with every whole-number estimate raised by one (``21.246`` → ``21.247``)."""
    from tests.fixtures.workbooks import demo_data

    codes = [row["code"] for row in demo_data()["years"][str(YEAR)]]
    rows = []
    revised = {}
    for code, (stt, name, unit, target, estimate, *rest) in zip(codes, seed_rows(), strict=True):
        if re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})*", estimate):
            estimate = f"{int(estimate.replace('.', '')) + 1:,}".replace(",", ".")
            revised[code] = estimate
        rows.append((stt, name, unit, target, estimate, *rest))
    return write_workbook(path, [(), (SEED_TITLE,), (), (), SEED_HEADER, *rows]), revised


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    from db.demo import install_demo
    from db.entry import set_value
    from db.schema import open_database
    from tests.fixtures.exchange import issue_phong

    folder = tmp_path_factory.mktemp("kill")
    with pytest.MonkeyPatch.context() as patch:  # no user folder touched while the inputs are made
        for name in ("BKDESK_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            patch.setenv(name, str(folder / "home" / name.lower()))
        demo = folder / "demo.sqlite"
        db = open_database(demo)
        install_demo(db, actor="văn phòng")
        db.dispose()
        workbook, revised = revised_workbook(folder / "Phụ lục 2020 (sửa).xlsx")

        office = folder / "office.sqlite"
        shutil.copyfile(checkpointed(demo), office)
        db = open_database(office)
        kt, yt = issue_phong(db, "KT", folder / "kt"), issue_phong(db, "YT", folder / "yt")
        set_value(db, "A.3", YEAR, "470", actor="văn phòng")  # KT's first file says otherwise: a conflict
        db.dispose()
        files = folder / "nop"
        files.mkdir()
        submissions = []
        for phong, figures in (
            (kt, {"A.2": "3.100", "A.3": "480", "A.7": "3", "A.13": "210"}),
            (kt, {"A.2": "3.120", "A.6": "4.400"}),
            (yt, {"C.2.1": "13,5", "C.2.2": "12", "C.2.3": "8"}),
        ):
            for code, text in figures.items():
                phong.enter(code, text)
            submissions.append(phong.submit(files))
        kt.enter("A.13", "215")  # edited since its last file, and the office moves it too: a choice
        kt.db.dispose()
        yt.db.dispose()
        feedback = return_file(office, folder, submissions)
    return Inputs(
        checkpointed(demo),
        checkpointed(office),
        workbook,
        tuple(submissions),
        revised,
        checkpointed(kt.db.path),
        feedback,
    )


def return_file(office: Path, folder: Path, submissions: list[Path]) -> Path:
    """The office merges KT's files on a copy, keeps its A.3, moves A.2 and A.13, and writes KT's return file."""
    from db.conflicts import Keep, list_conflicts, resolve_conflict
    from db.entry import set_value
    from db.feedback_export import export_feedback
    from db.schema import open_database
    from db.submission_import import import_submissions

    merged = folder / "office-merged.sqlite"
    shutil.copyfile(checkpointed(office), merged)
    db = open_database(merged)
    import_submissions(db, submissions[:2], actor="văn phòng")
    for conflict in list_conflicts(db, YEAR):
        resolve_conflict(db, conflict.id, Keep.LOCAL, "số của Cục Thống kê", actor="văn phòng")
    set_value(db, "A.2", YEAR, "3.150", actor="văn phòng")
    set_value(db, "A.13", YEAR, "212", actor="văn phòng")
    path = folder / "KT-phanhoi.json"
    export_feedback(db, "KT", YEAR, path, actor="văn phòng")
    db.dispose()
    return path


# ---- the test ----


@pytest.mark.parametrize("write", WRITES, ids=[write.name for write in WRITES])
def test_a_kill_inside_a_write_leaves_whole_operations_only(write: Write, inputs: Inputs, tmp_path: Path) -> None:
    process, reference = start(write, inputs, tmp_path / "reference")
    follow(process, reference)
    assert reference.returncode == 0, reference.stderr
    assert reference.count("begin") >= 1, f"{write.name} wrote nothing the trace saw"
    states = expected_states(write, inputs, reference, tmp_path)

    rng = random.Random(f"{SEED}-{write.name}")
    landed: list[str] = []
    attempt = 0
    while attempt < KILLS or ("inside a write" not in landed and attempt < KILLS + MORE):
        point = plan(rng, reference, attempt)
        where = f"{write.name}, kill {attempt + 1} ({point}; BKDESK_KILL_SEED={SEED})"
        process, run = start(write, inputs, tmp_path / f"kill-{attempt + 1}")
        follow(process, run, point)
        check_after_kill(write, inputs, run, states, where)
        landed.append(run.landed)
        attempt += 1
    tally = ", ".join(f"{landed.count(kind)} {kind}" for kind in sorted(set(landed)))
    print(f"{write.name}: {len(landed)} kills (seed {SEED}): {tally}")
    assert "inside a write" in landed, f"{write.name}: no kill landed inside a write transaction ({tally})"
