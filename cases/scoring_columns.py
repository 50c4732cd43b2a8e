"""Encodings shared by the Case model's generated columns and the scoring engine.

A case's `scope_bits` has one bit per flag that decides whether a question applies to it; a
question applies where `scope_bits & mask == want` (see question_scope). A case's `cell` packs
its breakdown groups (PDU, MAPPA level, RoSH classification) into one integer, so the scoring
scan groups by one column. Both are computed by the database (stored generated columns), so
they cannot drift from the fields they encode.
"""

from __future__ import annotations

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce

ADJUSTED_BIT = 1
FLAG_BITS: dict[str, int] = {
    "court_work": 2,
    "curfew_considered": 4,
    "released_from_custody": 8,
    "risk_to_children": 16,
    "mappa_eligible": 32,
    "oversight_required": 64,
    "practitioner_interviewed": 128,
}
ROSH_CODES: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "very_high": 3, "not_assessed": 4}
ROSH_BY_CODE: dict[int, str] = {code: rosh for rosh, code in ROSH_CODES.items()}
_LEVEL_FACTOR = 8
_PDU_FACTOR = 64


def _bit(field: str, bit: int) -> Case:
    return Case(When(**{field: True}, then=Value(bit)), default=Value(0))


SCOPE_BITS_EXPRESSION = sum(
    (_bit(field, bit) for field, bit in FLAG_BITS.items()),
    start=_bit("adjusted_questions", ADJUSTED_BIT),
)

CELL_EXPRESSION = (
    F("pdu_id") * Value(_PDU_FACTOR)
    + Coalesce(F("mappa_level"), Value(0)) * Value(_LEVEL_FACTOR)
    + Case(*(When(rosh=r, then=Value(code)) for r, code in ROSH_CODES.items()), default=Value(4))
)


def cell_decode(cell: int) -> tuple[int, int | None, str]:
    """(pdu_id, mappa_level or None, rosh) of a cell value."""
    pdu_id, rest = divmod(cell, _PDU_FACTOR)
    level, rosh_code = divmod(rest, _LEVEL_FACTOR)
    return pdu_id, (level or None), ROSH_BY_CODE[rosh_code]


def question_scope(*, kind: str, question_set: str, applies_when: str) -> tuple[int, int]:
    """(mask, want) of a question: it applies to a case where scope_bits & mask == want.

    Key questions and prompts apply in their question set (core where contact was not
    suspended, adjusted where it was); a supplementary question where its flag is set.
    """
    if kind in ("key", "prompt"):
        return ADJUSTED_BIT, ADJUSTED_BIT if question_set == "adjusted" else 0
    bit = FLAG_BITS.get(applies_when, 0)
    return bit, bit
