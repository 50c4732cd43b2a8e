"""The inspection's data version moves on with every write that can change a figure, in the
same transaction, whatever wrote it (a service, a loader's COPY, the admin, a factory in a
test): statement-level triggers on cases, answers, PDUs and questions (docs/adr/0014). One
UPDATE of the inspection row per statement, however many rows the statement wrote.

The next version is max(version + 1, now in microseconds): never reused, even after a restore.
SQLite (the demo) gets row-level equivalents in cases/sqlite_triggers.py.
"""

from django.db import migrations

_NEXT = "GREATEST(i.data_version + 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint)"

# table -> (the inspections a set of its rows touches, given the transition table "{rows}")
_TOUCHES = {
    "cases_case": "i.id IN (SELECT inspection_id FROM {rows})",
    "cases_answer": (
        "i.id IN (SELECT c.inspection_id FROM cases_case c"
        " WHERE c.id IN (SELECT case_id FROM {rows}))"
    ),
    # The breakdowns list the region's PDUs by name, and the scores name the questions.
    "inspections_pdu": "i.region_id IN (SELECT region_id FROM {rows})",
    "inspections_question": "i.framework_id IN (SELECT framework_id FROM {rows})",
}


def _function(table: str) -> str:
    touches = _TOUCHES[table]
    update = f"UPDATE inspections_inspection i SET data_version = {_NEXT} WHERE "
    return f"""
    CREATE FUNCTION dipp_data_changed_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {update}{touches.format(rows="new_rows")};
      ELSIF TG_OP = 'DELETE' THEN
        {update}{touches.format(rows="old_rows")};
      ELSE
        {update}{touches.format(rows="new_rows")} OR {touches.format(rows="old_rows")};
      END IF;
      RETURN NULL;
    END $$;
    """


_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}

POSTGRES = [_function(table) for table in _TOUCHES] + [
    f"CREATE TRIGGER dipp_data_changed_{event.lower()} AFTER {event} ON {table} "
    f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION dipp_data_changed_{table}();"
    for table in _TOUCHES
    for event, referencing in _REFERENCING.items()
]
POSTGRES_REVERSE = [f"DROP FUNCTION IF EXISTS dipp_data_changed_{t}() CASCADE;" for t in _TOUCHES]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_moderation_sample"),
        ("inspections", "0006_data_version"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
