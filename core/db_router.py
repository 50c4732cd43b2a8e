"""An optional PostgreSQL read replica (docs/scaling.md).

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database alias and name it in
`READ_REPLICA`. Nothing reads from it unless a view asks, by passing `read_alias()` as `using`:
the read-only exports do. Every other read stays on the primary, above all reads that must see
the caller's own writes (pages after a POST, the answers API, access checks before a write, the
data version behind the score cache): replication lags, and a router that sent every read to
the replica would show people their own writes missing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

PRIMARY = "default"


def read_alias() -> str:
    """The database alias for reads that may lag the primary a little: the replica if one is
    configured, else the primary."""
    replica: str | None = getattr(settings, "READ_REPLICA", None)
    return replica if replica and replica in settings.DATABASES else PRIMARY


class PrimaryReplicaRouter:
    """Writes and unqualified reads go to the primary; only `using=read_alias()` reads go to the
    replica. The replica is a copy of the primary: relations across them are allowed, and it is
    never migrated (it follows the primary's schema)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return None  # the primary, unless the query names the replica

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
