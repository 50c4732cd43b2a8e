"""The answer tallies against the answers themselves: a check, and a rebuild.

cases.AnswerTally is kept by PostgreSQL triggers (cases/migrations/0011_answer_tally_triggers.py,
docs/adr/0021-answer-tallies.md); nothing in Python writes it except `tally_rebuild`, for the
day a check finds it wrong (a trigger dropped by hand, a restore of only some tables).
`manage.py tallies_check` runs both. PostgreSQL only: SQLite has no tallies.
"""

from __future__ import annotations

from django.db import connection, transaction

from inspections.models import Inspection

Key = tuple[int, int, int, int, str]

_FROM_ANSWERS = """
    SELECT c.inspection_id, a.question_id, c.cell, c.scope_bits, a.value, count(*)
    FROM cases_answer a JOIN cases_case c ON c.id = a.case_id
    WHERE c.inspection_id = %s AND c.withdrawn_at IS NULL
    GROUP BY c.inspection_id, a.question_id, c.cell, c.scope_bits, a.value
"""
_FROM_TALLIES = """
    SELECT inspection_id, question_id, cell, scope_bits, value, n
    FROM cases_answertally WHERE inspection_id = %s AND n <> 0
"""


def _counts(sql: str, inspection_id: int) -> dict[Key, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [inspection_id])
        return {
            (int(i), int(q), int(cell), int(bits), str(value)): int(n)
            for i, q, cell, bits, value, n in cursor.fetchall()
        }


def tally_differences(inspection: Inspection) -> dict[Key, tuple[int, int]]:
    """Each key whose tally differs from the count of answers: (tally, answers). Empty when right.

    Read in one snapshot (a repeatable-read transaction is not needed: the inspection row's lock
    is taken first, so no writer can move either count between the two reads).
    """
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).exists()
        answers = _counts(_FROM_ANSWERS, inspection.pk)
        tallies = _counts(_FROM_TALLIES, inspection.pk)
    return {
        key: (tallies.get(key, 0), answers.get(key, 0))
        for key in answers.keys() | tallies.keys()
        if tallies.get(key, 0) != answers.get(key, 0)
    }


# As the data-version triggers move it (cases/migrations/0007): never a version used before.
_VERSION_MOVE = (
    "UPDATE inspections_inspection SET data_version = GREATEST(data_version + 1, "
    "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint) WHERE id = %s"
)


def tally_rebuild(inspection: Inspection) -> int:
    """Replace the inspection's tallies by a count of its answers; returns the rows written.

    Under the inspection row's lock, which every writer of answers or cases takes first (the
    data-version triggers), so no write is counted twice or missed. The data version moves on
    in the same transaction: figures cached from the wrong tallies are keyed by the old version
    and are never served again, and clients' ETags change.
    """
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).exists()
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM cases_answertally WHERE inspection_id = %s", [inspection.pk]
            )
            cursor.execute(
                "INSERT INTO cases_answertally "
                "(inspection_id, question_id, cell, scope_bits, value, n) " + _FROM_ANSWERS,
                [inspection.pk],
            )
            rows = int(cursor.rowcount)
            cursor.execute(_VERSION_MOVE, [inspection.pk])
        return rows
