"""Upgrade benchmark: a database of the first release (``tests/fixtures/db/schema_v1.sqlite``) opened by this one.

Each run is a fresh process, as a user's first start after installing a new release:
it loads the database layer (SQLAlchemy and the models, loaded at every start), then
Alembic (loaded only to create or upgrade a file), copies the fixture and times
``open_database`` on it (the backup before the upgrade, then every revision in one
transaction) and, within that, the upgrade alone (what ``db.schema`` logs). Prints
medians; asserts nothing, has no goal.
Run from the repository root: ``python bench/bench_upgrade.py [runs]``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "db" / "schema_v1.sqlite"

ONE_RUN = """
import json, logging, re, shutil, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
copy = Path(sys.argv[3]) / "bkdesk.sqlite"
shutil.copy(sys.argv[2], copy)
steps = []

class Steps(logging.Handler):
    def emit(self, record):
        found = re.search(r"in ([0-9.]+) s$", record.getMessage())
        if found:
            steps.append(float(found.group(1)))

logger = logging.getLogger("bkdesk.db")
logger.addHandler(Steps())
logger.setLevel(logging.INFO)
started = time.perf_counter()
import sqlalchemy.orm
from db import exchange_models, models
from db.schema import open_database
layer = time.perf_counter()
from db import migrations
imported = time.perf_counter()
open_database(copy).dispose()
done = time.perf_counter()
print(json.dumps({"layer": layer - started, "alembic": imported - layer, "open": done - imported, "upgrade": steps[0]}))
"""


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    times: dict[str, list[float]] = {"layer": [], "alembic": [], "open": [], "upgrade": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [sys.executable, "-c", ONE_RUN, str(ROOT), str(FIXTURE), folder],
                capture_output=True,
                text=True,
                check=True,
            )
        for key, value in json.loads(done.stdout).items():
            times[key].append(value)
    median = {key: statistics.median(values) * 1000 for key, values in times.items()}
    size = FIXTURE.stat().st_size // 1024
    print(f"Nâng cấp tệp lược đồ 1 (105 chỉ tiêu, {size} KB) lên lược đồ hiện tại, {runs} lần:")
    print(f"  open_database (sao lưu + mọi bước nâng cấp): trung vị {median['open']:.0f} ms")
    print(f"  trong đó các bước nâng cấp (một giao dịch): trung vị {median['upgrade']:.0f} ms")
    print(f"  nạp Alembic (chỉ khi có tệp cần tạo hoặc nâng cấp): trung vị {median['alembic']:.0f} ms")
    print(f"  nạp tầng cơ sở dữ liệu (SQLAlchemy, mô hình; lúc nào cũng cần): trung vị {median['layer']:.0f} ms")


if __name__ == "__main__":
    main()
