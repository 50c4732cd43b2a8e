"""The README's demo runs on SQLite: migrations, triggers and the demo must work there too."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from demo.programme import PROGRAMME_SLUG, REGIONS

ROOT = Path(__file__).resolve().parent.parent


def _manage(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_demo_migrates_and_loads_on_sqlite_with_its_invariants(tmp_path):
    db = tmp_path / "demo.sqlite3"
    for attempt in range(2):  # the second run of both must change nothing and not fail
        migrated = _manage(db, "migrate", "--no-input", "-v0")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        loaded = _manage(db, "load_demo")
        assert loaded.returncode == 0, loaded.stderr[-3000:]
        assert ("already loaded" in loaded.stdout) == (attempt == 1)
    with sqlite3.connect(db) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert {"dipp_answer_consistent_ins", "dipp_case_pdu_in_region_ins"} <= triggers
        # The South West's 64, the 64 of its synthetic earlier inspection (its baseline) and
        # the synthetic regions' of the programme.
        assert conn.execute(
            "SELECT count(*) FROM cases_case WHERE reference LIKE 'DEMO-%'"
        ).fetchone() == (64,)
        synthetic_regions = sum(r.cases for r in REGIONS)
        assert conn.execute("SELECT count(*) FROM cases_case").fetchone() == (
            128 + synthetic_regions,
        )
        assert conn.execute(
            "SELECT count(*), sum(i.synthetic) FROM inspections_inspection i "
            "JOIN inspections_programme p ON p.id = i.programme_id WHERE p.slug = ?",
            [PROGRAMME_SLUG],
        ).fetchone() == (1 + len(REGIONS), len(REGIONS))
        assert conn.execute("SELECT count(*) FROM inspections_baseline").fetchone() == (1,)
        c2 = conn.execute(
            "SELECT a.id FROM cases_answer a JOIN inspections_question q ON q.id = a.question_id "
            "WHERE q.code = 'C2' LIMIT 1"
        ).fetchone()[0]
        try:
            conn.execute("UPDATE cases_answer SET value = 'na' WHERE id = ?", [c2])
        except sqlite3.IntegrityError as exc:
            assert "inconsistent" in str(exc)
        else:
            raise AssertionError("SQLite accepted N/A on a question that does not allow it")
