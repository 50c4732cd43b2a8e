"""The answer tallies (cases.AnswerTally) follow every write, in the same transaction, whatever
wrote it: statement-level triggers on answers and cases add each statement's net change per
(inspection, question, cell, scope bits, value) (docs/adr/0021-answer-tallies.md).

- An answer inserted, changed or deleted moves its count under its case's current cell and
  scope bits. Answers of withdrawn cases are not counted.
- A case whose cell, scope bits, withdrawal or inspection changed moves its answers' counts from
  the old key to the new one. A case deleted takes away the answers it still has (Django deletes
  the answers first; either order gives the same tallies).
- A decrease only ever updates an existing row: when an inspection is deleted its tallies may go
  before its answers, and nothing is then written back.
- The triggers are named dipp_tally_*, after the data-version triggers (dipp_data_changed_*),
  so on each table PostgreSQL fires them second: every writer takes the inspection row's lock
  before any tally row's, and writers never deadlock on the tallies.

Existing answers are tallied here. SQLite (the demo) has no tallies: the engine scans there.
"""

from django.db import migrations

_KEY = "inspection_id, question_id, cell, scope_bits, value"

# Apply the net changes that the query `{deltas}` gives as (inspection_id, question_id, cell,
# scope_bits, value, n): decreases update existing rows, increases insert or add.
_APPLY = f"""
    WITH d AS ({{deltas}}),
    down AS (
      UPDATE cases_answertally t SET n = t.n + d.n FROM d
      WHERE d.n < 0 AND t.inspection_id = d.inspection_id AND t.question_id = d.question_id
        AND t.cell = d.cell AND t.scope_bits = d.scope_bits AND t.value = d.value
    )
    INSERT INTO cases_answertally AS t ({_KEY}, n)
    SELECT {_KEY}, n FROM d WHERE d.n > 0
    ON CONFLICT ({_KEY}) DO UPDATE SET n = t.n + EXCLUDED.n;
"""

# The answers in `{rows}` (a transition table) with their cases' current keys, signed `{sign}`.
_ANSWERS = """
    SELECT c.inspection_id, r.question_id, c.cell, c.scope_bits, r.value, {sign} AS n
    FROM {rows} r JOIN cases_case c ON c.id = r.case_id
    WHERE c.withdrawn_at IS NULL
"""

# The answers of the cases in `{rows}` under those rows' keys, signed `{sign}`; only cases whose
# key changed (`{changed}`), or all of them.
_CASE_ANSWERS = """
    SELECT r.inspection_id, a.question_id, r.cell, r.scope_bits, a.value, {sign} AS n
    FROM {rows} r JOIN cases_answer a ON a.case_id = r.id
    WHERE r.withdrawn_at IS NULL AND {changed}
"""

_CHANGED = (
    "r.id IN (SELECT o.id FROM old_rows o JOIN new_rows w ON w.id = o.id"
    " WHERE (o.inspection_id, o.cell, o.scope_bits, o.withdrawn_at IS NULL)"
    " IS DISTINCT FROM (w.inspection_id, w.cell, w.scope_bits, w.withdrawn_at IS NULL))"
)


def _net(*parts: str) -> str:
    union = " UNION ALL ".join(parts)
    return (
        f"SELECT {_KEY}, sum(n)::integer AS n FROM ({union}) x "
        f"GROUP BY {_KEY} HAVING sum(n) <> 0"
    )


_DELTAS = {
    ("cases_answer", "INSERT"): _net(_ANSWERS.format(rows="new_rows", sign="1")),
    ("cases_answer", "DELETE"): _net(_ANSWERS.format(rows="old_rows", sign="-1")),
    ("cases_answer", "UPDATE"): _net(
        _ANSWERS.format(rows="new_rows", sign="1"), _ANSWERS.format(rows="old_rows", sign="-1")
    ),
    ("cases_case", "DELETE"): _net(
        _CASE_ANSWERS.format(rows="old_rows", sign="-1", changed="true")
    ),
    ("cases_case", "UPDATE"): _net(
        _CASE_ANSWERS.format(rows="new_rows", sign="1", changed=_CHANGED),
        _CASE_ANSWERS.format(rows="old_rows", sign="-1", changed=_CHANGED),
    ),
}

_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}

POSTGRES = []
for (table, event), deltas in _DELTAS.items():
    name = f"dipp_tally_{table}_{event.lower()}"
    POSTGRES += [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{_APPLY.format(deltas=deltas)}\nRETURN NULL;\nEND $$;",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {_REFERENCING[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
    ]
POSTGRES.append(
    f"INSERT INTO cases_answertally ({_KEY}, n) "
    "SELECT c.inspection_id, a.question_id, c.cell, c.scope_bits, a.value, count(*) "
    "FROM cases_answer a JOIN cases_case c ON c.id = a.case_id WHERE c.withdrawn_at IS NULL "
    f"GROUP BY {_KEY};"
)
POSTGRES_REVERSE = [
    f"DROP FUNCTION IF EXISTS dipp_tally_{table}_{event.lower()}() CASCADE;"
    for table, event in _DELTAS
] + ["DELETE FROM cases_answertally;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_answer_tally")]

    operations = [migrations.RunPython(forwards, backwards)]
