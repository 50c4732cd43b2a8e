"""Invariants that span tables, enforced by the database (PostgreSQL triggers here; SQLite's
are managed around each migrate run by cases/sqlite_triggers.py).

Services validate the same rules first and give people a clear message; these triggers make
sure no other path (a bulk insert, a shell, a future bug) can store an inconsistent row.
"""

from django.db import migrations

# Statement-level triggers over transition tables: one set-based check per statement, so a
# bulk load (COPY of 500,000 answers) costs one join instead of two look-ups per row.
_PG_CASE_CHECK = """
      IF EXISTS (
        SELECT 1 FROM new_rows c
        JOIN inspections_pdu p ON p.id = c.pdu_id
        JOIN inspections_inspection i ON i.id = c.inspection_id
        WHERE p.region_id <> i.region_id
      ) THEN
        RAISE EXCEPTION 'case PDU must belong to the inspection''s region'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
"""
_PG_ANSWER_CHECK = """
      IF EXISTS (
        SELECT 1 FROM new_rows a
        JOIN inspections_question q ON q.id = a.question_id
        JOIN cases_case c ON c.id = a.case_id
        JOIN inspections_inspection i ON i.id = c.inspection_id
        WHERE q.framework_id <> i.framework_id
      ) THEN
        RAISE EXCEPTION 'answer question must belong to the case''s inspection framework'
          USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (
        SELECT 1 FROM new_rows a JOIN inspections_question q ON q.id = a.question_id
        WHERE a.value = 'na' AND NOT q.na_allowed
      ) THEN
        RAISE EXCEPTION 'question does not allow not applicable'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
"""


def _pg_statement_trigger(name: str, table: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN {body} END $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name}_ins AFTER INSERT ON {table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    CREATE TRIGGER {name}_upd AFTER UPDATE ON {table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


POSTGRES = [
    _pg_statement_trigger("dipp_case_pdu_in_region", "cases_case", _PG_CASE_CHECK),
    _pg_statement_trigger("dipp_answer_consistent", "cases_answer", _PG_ANSWER_CHECK),
    """
    CREATE OR REPLACE FUNCTION dipp_question_frozen() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM cases_answer WHERE question_id = OLD.id) THEN
        RAISE EXCEPTION 'a question that has answers cannot change; load a new framework version'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER dipp_question_frozen BEFORE UPDATE
      ON inspections_question FOR EACH ROW EXECUTE FUNCTION dipp_question_frozen();
    """,
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS dipp_case_pdu_in_region_ins ON cases_case;"
    "DROP TRIGGER IF EXISTS dipp_case_pdu_in_region_upd ON cases_case;"
    "DROP FUNCTION IF EXISTS dipp_case_pdu_in_region();",
    "DROP TRIGGER IF EXISTS dipp_answer_consistent_ins ON cases_answer;"
    "DROP TRIGGER IF EXISTS dipp_answer_consistent_upd ON cases_answer;"
    "DROP FUNCTION IF EXISTS dipp_answer_consistent();",
    "DROP TRIGGER IF EXISTS dipp_question_frozen ON inspections_question;"
    "DROP FUNCTION IF EXISTS dipp_question_frozen();",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    # SQLite's triggers are created after every migrate run instead (cases/sqlite_triggers.py):
    # a later migration that rebuilds a table would fail on a trigger naming it.
    statements = {"postgresql": POSTGRES}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("inspections", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
