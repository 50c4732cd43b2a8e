"""The answer tallies (cases.AnswerTally) follow every write, in the same transaction, whatever
wrote it: statement-level triggers on answers and cases add each statement's net change per
(inspection, question, cell, scope bits, value) (docs/adr/0021-answer-tallies.md).

- An answer inserted, changed or deleted moves its count under its case's current cell and
  scope bits. Answers of withdrawn cases are not counted.
- A case whose cell, scope bits, withdrawal or inspection changed moves its answers' counts from
  the old key to the new one. A case deleted takes away the answers it still has (Django deletes
  the answers first; either order gives the same tallies).
- Every change, up or down, is one `INSERT ... ON CONFLICT DO UPDATE` through the key's unique
  index. (An inspection with cases cannot be deleted, so no decrease can outlive its tally.)
- Statements that cannot move a count return at once: an answer update that changes no value,
  case or question (a rationale saved), and a case update that changes no key (a status, a
  version). (Rows are matched by primary key, which nothing updates.) The functions plan with sequential scans off, so every join is an index lookup
  (primary key, `cases_answer.case_id`) even on tables with no statistics yet: a trigger must
  never scan a whole table for a one-row write.
- The triggers are named dipp_tally_*, after the data-version triggers (dipp_data_changed_*),
  so on each table PostgreSQL fires them second: every writer takes the inspection row's lock
  before any tally row's, and writers never deadlock on the tallies.

Existing answers are tallied here. SQLite (the demo) has no tallies: the engine scans there.
"""

from django.db import migrations

_KEY = "inspection_id, question_id, cell, scope_bits, value"

# Apply the net changes that the query `{deltas}` gives as (inspection_id, question_id, cell,
# scope_bits, value, n), increases and decreases alike, through the key's unique index.
_APPLY = f"""
    INSERT INTO cases_answertally AS t ({_KEY}, n)
    SELECT {_KEY}, n FROM ({{deltas}}) d
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

# Updates that cannot move a count skip the work.
_MOVES = {
    "cases_answer": (
        "EXISTS (SELECT 1 FROM old_rows o JOIN new_rows w ON w.id = o.id"
        " WHERE (o.case_id, o.question_id, o.value) IS DISTINCT FROM"
        " (w.case_id, w.question_id, w.value))"
    ),
    "cases_case": (
        "EXISTS (SELECT 1 FROM old_rows o JOIN new_rows w ON w.id = o.id"
        " WHERE (o.inspection_id, o.cell, o.scope_bits, o.withdrawn_at IS NULL)"
        " IS DISTINCT FROM (w.inspection_id, w.cell, w.scope_bits, w.withdrawn_at IS NULL))"
    ),
}

POSTGRES = []
for (table, event), deltas in _DELTAS.items():
    name = f"dipp_tally_{table}_{event.lower()}"
    apply = _APPLY.format(deltas=deltas)
    if event == "UPDATE":
        apply = f"IF {_MOVES[table]} THEN\n{apply}\nEND IF;"
    POSTGRES += [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
        f"SET enable_seqscan = off AS $$\n"
        f"BEGIN\n{apply}\nRETURN NULL;\nEND $$;",
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
