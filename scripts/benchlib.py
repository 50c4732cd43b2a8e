"""Set-up shared by the benchmark scripts: Django on a PostgreSQL database of their own.

Each script calls django_ready() before importing models. The database (DATABASE_URL, or
postgres://postgres@127.0.0.1:5432/<default>) is created if missing and migrated.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url).get("dbname")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_ready(default_database: str = "dipp_bench") -> None:
    """Point Django at the benchmark database, set it up and migrate it (PostgreSQL only)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_database}")
    os.environ.setdefault("DEBUG", "false")
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
