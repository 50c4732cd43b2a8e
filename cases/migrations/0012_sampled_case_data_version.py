"""A case drawn into a moderation sample (or taken out of one) moves its inspection's data
version on, as a write of a case does (cases/migrations/0007, docs/adr/0014): the lead's
counts of sampled cases awaiting moderation are cached under that version
(cases.selectors.status_counts). SQLite: cases/sqlite_triggers.py.
"""

from django.db import migrations

_NEXT = "GREATEST(i.data_version + 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint)"
_TOUCHES = (
    "i.id IN (SELECT c.inspection_id FROM cases_case c"
    " WHERE c.id IN (SELECT case_id FROM {rows}))"
)
_UPDATE = f"UPDATE inspections_inspection i SET data_version = {_NEXT} WHERE "

POSTGRES = [
    f"""
    CREATE FUNCTION dipp_data_changed_cases_sampledcase() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_UPDATE}{_TOUCHES.format(rows="new_rows")};
      ELSIF TG_OP = 'DELETE' THEN
        {_UPDATE}{_TOUCHES.format(rows="old_rows")};
      ELSE
        {_UPDATE}{_TOUCHES.format(rows="new_rows")} OR {_TOUCHES.format(rows="old_rows")};
      END IF;
      RETURN NULL;
    END $$;
    """
] + [
    f"CREATE TRIGGER dipp_data_changed_{event.lower()} AFTER {event} ON cases_sampledcase "
    f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION dipp_data_changed_cases_sampledcase();"
    for event, referencing in (
        ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
        ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
    )
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS dipp_data_changed_cases_sampledcase() CASCADE;"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_answer_tally_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
