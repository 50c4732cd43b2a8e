"""The cross-table invariants of docs/adr/0003 as SQLite triggers (the demo's database).

SQLite rebuilds a table to alter it (create a copy, drop, rename), and refuses the rename while
a trigger elsewhere names the dropped table. So on SQLite the triggers are dropped before each
migrate run and created again after it (see CasesConfig.ready), whatever later migrations do.
"""

from __future__ import annotations

from typing import Any

_CASE_CHECK = """
    WHEN (SELECT region_id FROM inspections_pdu WHERE id = NEW.pdu_id)
      IS NOT (SELECT region_id FROM inspections_inspection WHERE id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'case PDU must belong to the inspection''s region'); END;
"""
_ANSWER_CHECK = """
    WHEN (SELECT framework_id FROM inspections_question WHERE id = NEW.question_id)
      IS NOT (SELECT i.framework_id FROM cases_case c
              JOIN inspections_inspection i ON i.id = c.inspection_id WHERE c.id = NEW.case_id)
      OR (NEW.value = 'na'
          AND (SELECT na_allowed FROM inspections_question WHERE id = NEW.question_id) = 0)
    BEGIN SELECT RAISE(ABORT, 'answer inconsistent with its question or framework'); END;
"""
TRIGGERS = {
    "dipp_case_pdu_in_region_ins": "BEFORE INSERT ON cases_case" + _CASE_CHECK,
    "dipp_case_pdu_in_region_upd": "BEFORE UPDATE ON cases_case" + _CASE_CHECK,
    "dipp_answer_consistent_ins": "BEFORE INSERT ON cases_answer" + _ANSWER_CHECK,
    "dipp_answer_consistent_upd": "BEFORE UPDATE ON cases_answer" + _ANSWER_CHECK,
    "dipp_question_frozen": """BEFORE UPDATE ON inspections_question
    WHEN EXISTS (SELECT 1 FROM cases_answer WHERE question_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'a question that has answers cannot change'); END;""",
    # The access log is append-only (cases/migrations/0008_access_record.py).
    "dipp_access_record_no_update": """BEFORE UPDATE ON cases_accessrecord
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
    "dipp_access_record_no_delete": """BEFORE DELETE ON cases_accessrecord
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
}
_TABLES = {
    "cases_case",
    "cases_sampledcase",
    "cases_answer",
    "cases_accessrecord",
    "inspections_question",
    "inspections_pdu",
}
# The inspection's data version (docs/adr/0014): row-level here, statement-level on PostgreSQL
# (cases/migrations/0007). +1 is enough on the demo's database.
_BUMP = "UPDATE inspections_inspection SET data_version = data_version + 1 WHERE "
for _event, _row in (("ins", "NEW"), ("upd", "NEW"), ("del", "OLD")):
    _when = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}[_event]
    TRIGGERS[f"dipp_data_changed_case_{_event}"] = (
        f"AFTER {_when} ON cases_case BEGIN {_BUMP}id = {_row}.inspection_id; END;"
    )
    TRIGGERS[f"dipp_data_changed_answer_{_event}"] = (
        f"AFTER {_when} ON cases_answer BEGIN {_BUMP}id = "
        f"(SELECT inspection_id FROM cases_case WHERE id = {_row}.case_id); END;"
    )
    # A case drawn into (or out of) a moderation sample: the lead's counts of cases awaiting
    # moderation are cached under the version (cases/migrations/0012).
    TRIGGERS[f"dipp_data_changed_sampled_{_event}"] = (
        f"AFTER {_when} ON cases_sampledcase BEGIN {_BUMP}id = "
        f"(SELECT inspection_id FROM cases_case WHERE id = {_row}.case_id); END;"
    )
    TRIGGERS[f"dipp_data_changed_pdu_{_event}"] = (
        f"AFTER {_when} ON inspections_pdu BEGIN {_BUMP}region_id = {_row}.region_id; END;"
    )


def drop_triggers(using: str = "default", **_: Any) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_triggers(using: str = "default", **_: Any) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if not set(connection.introspection.table_names()) >= _TABLES:
        return
    with connection.cursor() as cursor:
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
