"""The scoring engine: every figure the application shows comes from inspection_scores().

Counting happens in the database in a fixed number of queries, whatever the number of cases:
one grouped scan of the answers (with each answer's case profile) and one grouped scan of the
cases. Both results are folded into the overall figures and every breakdown at once, so adding
a breakdown costs no query. The arithmetic is in scoring.arithmetic.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Q

from cases.models import CASES_COUNTED, Answer, AnswerTally, Case
from cases.scoring_columns import cell_decode, question_scope
from core.cache import cache_get, cache_set
from inspections.models import PDU, Inspection, Question
from inspections.selectors import SCORES_CACHE_FORMAT, inspection_data_version
from scoring.arithmetic import is_small_base, percent_exact, percent_published, wilson_interval

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from scoring.baseline import BaselineComparison

FLAGS: tuple[str, ...] = tuple(c.value for c in Question.AppliesWhen if c.value)

ROSH_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("low", "Low", (Case.Rosh.LOW,)),
    ("medium", "Medium", (Case.Rosh.MEDIUM,)),
    ("high_very_high", "High/very high", (Case.Rosh.HIGH, Case.Rosh.VERY_HIGH)),
    ("not_assessed", "Not assessed", (Case.Rosh.NOT_ASSESSED,)),
)
ROSH_GROUP_OF: dict[str, str] = {r: key for key, _, members in ROSH_GROUPS for r in members}

MAPPA_GROUPS: tuple[tuple[str, str], ...] = (
    ("not_eligible", "Not MAPPA eligible"),
    ("eligible", "MAPPA eligible (all levels)"),
    ("level_1", "MAPPA level 1"),
    ("level_2", "MAPPA level 2"),
    ("level_3", "MAPPA level 3"),
)

# Counts for one question over some set of cases: yes, no, explicit N/A, in scope.
_YES, _NO, _NA, _SCOPE = range(4)


@dataclass(frozen=True)
class QuestionScore:
    code: str
    text: str
    kind: str
    parent: str | None
    yes: int
    no: int
    not_applicable: int
    unanswered: int
    area: str = ""  # a key question's area in words ("assessment"); blank for the others

    @property
    def relevant(self) -> int:
        return self.yes + self.no

    @property
    def small_base(self) -> bool:
        """Fewer than 10 relevant cases: the percentage is shown with a warning."""
        return is_small_base(self.relevant)

    @property
    def cases(self) -> int:
        return self.yes + self.no + self.not_applicable + self.unanswered

    @property
    def percent(self) -> int | None:
        return percent_published(self.yes, self.relevant)

    @property
    def exact(self) -> float | None:
        return percent_exact(self.yes, self.relevant)

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.yes, self.relevant)

    @property
    def ci_low(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(interval[0], 2)

    @property
    def ci_high(self) -> float | None:
        interval = self.interval
        return None if interval is None else round(interval[1], 2)


@dataclass(frozen=True)
class GroupScores:
    group: str
    label: str
    cases: int
    questions: list[QuestionScore]

    def question(self, code: str) -> QuestionScore:
        return next(q for q in self.questions if q.code == code)


@dataclass(frozen=True)
class ProfileRow:
    group: str
    label: str
    cases: int
    total: int

    @property
    def percent(self) -> int | None:
        return percent_published(self.cases, self.total)


@dataclass(frozen=True)
class InspectionScores:
    inspection: Inspection
    cases: int
    questions: list[QuestionScore]
    breakdowns: dict[str, list[GroupScores]]
    profile: dict[str, list[ProfileRow]] = field(default_factory=dict)
    # The comparison with a baseline, when the caller asked for it (the report does:
    # reports.selectors.report_scores); inspection_scores() itself leaves it None.
    baseline: BaselineComparison | None = None

    def question(self, code: str) -> QuestionScore:
        """The overall score of one question, by code (KeyError if the framework lacks it)."""
        for score in self.questions:
            if score.code == code:
                return score
        raise KeyError(code)

    def profile_row(self, table: str, group: str) -> ProfileRow:
        for row in self.profile[table]:
            if row.group == group:
                return row
        raise KeyError(f"{table}/{group}")

    @property
    def key_questions(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.kind == Question.Kind.KEY]


# The answers' counts by (inspection, question, breakdown cell) come from one of two sources:
#  - the tallies (cases.AnswerTally, PostgreSQL): counts per question, cell, scope bits and
#    value, kept by triggers in every writing transaction; a few thousand rows to add up
#    (docs/adr/0021-answer-tallies.md);
#  - a scan of every answer joined to its case: SQLite (the demo, which has no triggers), and
#    `manage.py tallies_check`, which compares the two.
# Either way a question's scope is tested per row from the case's scope bits, as below, and an
# answer to a question that does not apply to its case (the profile changed after it was
# recorded) is kept but not counted.
_COUNTS = {
    "scan": """
    SELECT c.inspection_id, a.question_id, c.cell,
           COUNT(*) FILTER (WHERE a.value = 'yes' AND {in_scope}),
           COUNT(*) FILTER (WHERE a.value = 'no' AND {in_scope}),
           COUNT(*) FILTER (WHERE a.value = 'na' AND {in_scope})
    FROM {answer} a
    JOIN {case} c ON c.id = a.case_id {join}
    WHERE c.inspection_id IN ({inspections}) AND c.withdrawn_at IS NULL
    GROUP BY c.inspection_id, a.question_id, c.cell
""",
    "tally": """
    SELECT a.inspection_id, a.question_id, a.cell,
           COALESCE(SUM(a.n) FILTER (WHERE a.value = 'yes' AND {in_scope}), 0),
           COALESCE(SUM(a.n) FILTER (WHERE a.value = 'no' AND {in_scope}), 0),
           COALESCE(SUM(a.n) FILTER (WHERE a.value = 'na' AND {in_scope}), 0)
    FROM {tally} a {join}
    WHERE a.inspection_id IN ({inspections}) AND a.n > 0
    GROUP BY a.inspection_id, a.question_id, a.cell
""",
}

# On PostgreSQL each question's scope (mask, want) is looked up by subscript in two integer
# arrays indexed by question id (less the lowest id): cheaper per row than a hash join to a
# VALUES list (about 15% of the scan at 20,000 cases, docs/benchmarks.md). The arrays span the
# lowest to the highest id of the questions counted; past this span (questions of frameworks
# created far apart) the VALUES join serves instead, as it does on SQLite. A question id outside
# the arrays, or inside but not asked for (mask 0, want 1), is never in scope.
SCOPE_ARRAY_SPAN = 4096


def _scope_test(scopes: dict[int, tuple[int, int]], bits: str) -> tuple[str, str]:
    """(join, condition): SQL that tests the scope bits `bits` (a column) against the scope of
    question `a.question_id`.

    Every value is an integer from the database, written into the SQL with int().
    """
    low, high = min(scopes), max(scopes)
    if connection.vendor == "postgresql" and high - low < SCOPE_ARRAY_SPAN:
        span = range(low, high + 1)
        masks = ",".join(str(int(scopes.get(pk, (0, 1))[0])) for pk in span)
        wants = ",".join(str(int(scopes.get(pk, (0, 1))[1])) for pk in span)
        index = f"[a.question_id - {int(low) - 1}]"
        return "", (
            f"({bits} & ('{{{masks}}}'::integer[]){index}) = ('{{{wants}}}'::integer[]){index}"
        )
    values = ", ".join(
        f"({int(pk)}, {int(mask)}, {int(want)})" for pk, (mask, want) in scopes.items()
    )
    return (
        # VALUES names its columns column1, column2 ... on both PostgreSQL and SQLite (which
        # has no column list on a derived table's alias).
        "JOIN (SELECT column1 AS question_id, column2 AS mask, column3 AS want "
        f"FROM (VALUES {values}) AS v) AS s ON s.question_id = a.question_id",
        f"({bits} & s.mask) = s.want",
    )


def _answer_counts(
    inspection_ids: list[int], questions: list[Question], *, source: str | None = None
) -> list[tuple[int, int, int, int, int, int]]:
    """(inspection_id, question_id, cell, yes, no, na) in scope: one grouped read of the tallies
    (PostgreSQL) or scan of the answers (SQLite, or `source="scan"`) of one or more inspections.

    Raw SQL because this is the hot path. The scope test sits in an aggregate FILTER rather
    than the WHERE clause, so the planner estimates the row count right and keeps to a
    (parallel) hash aggregate.
    """
    if not questions or not inspection_ids:
        return []
    if source is None:
        source = "tally" if connection.vendor == "postgresql" else "scan"
    scopes = {
        question.pk: question_scope(
            kind=question.kind,
            question_set=question.question_set,
            applies_when=question.applies_when,
        )
        for question in questions
    }
    join, in_scope = _scope_test(scopes, "a.scope_bits" if source == "tally" else "c.scope_bits")
    sql = _COUNTS[source].format(
        in_scope=in_scope,
        join=join,
        answer=Answer._meta.db_table,
        case=Case._meta.db_table,
        tally=AnswerTally._meta.db_table,
        inspections=", ".join(["%s"] * len(inspection_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, inspection_ids)
        # Answers to questions not asked for are grouped too (all counts 0): left out.
        return [
            (int(i), int(q), int(cell), int(yes), int(no), int(na))
            for i, q, cell, yes, no, na in cursor.fetchall()
            if q in scopes
        ]


def _groups_of(cell: int) -> tuple[tuple[str, str], ...]:
    """The breakdown groups (dimension, group key) that a cell's cases fall into."""
    pdu_id, mappa_level, rosh = cell_decode(cell)
    groups = [("all", "all"), ("pdu", str(pdu_id)), ("rosh", ROSH_GROUP_OF.get(rosh, rosh))]
    if mappa_level:
        groups += [("mappa", "eligible"), ("mappa", f"level_{mappa_level}")]
    else:
        groups.append(("mappa", "not_eligible"))
    return tuple(groups)


def _scope_count(question: Question, row: Mapping[str, Any]) -> int:
    """How many of a case-group row's cases the question applies to."""
    if question.kind == Question.Kind.SUPPLEMENTARY:
        return int(row[f"n_{question.applies_when}"] if question.applies_when else row["n"])
    adjusted = int(row["n_adjusted"])
    if question.question_set == Question.QuestionSet.ADJUSTED:
        return adjusted
    return int(row["n"]) - adjusted


# -- the data version: cached scores and ETags (docs/adr/0014) ------------------------------------

# Entries are never stale (the key names the data version); they expire only to free memory.
SCORES_CACHE_SECONDS = 24 * 60 * 60


def scores_cache_key(inspection: Inspection, version: int, *, what: str = "scores") -> str:
    """The shared cache's key for something computed from the inspection's data at `version`.

    The database's name too: two databases (a staging copy, a test run) may share one Redis.
    """
    database = connection.settings_dict.get("NAME") or ""
    return (
        f"{what}:{SCORES_CACHE_FORMAT}:{database}:{inspection.pk}:{version}:"
        f"{inspection.framework_id}"
    )


def inspection_scores(inspection: Inspection, *, version: int | None = None) -> InspectionScores:
    """Every question's counts and figures, overall and by PDU, MAPPA and RoSH; the case profile.

    Served from the shared cache by (inspection, data version, framework) when there: one query
    (the version; none if the caller read it, `version`). Otherwise computed, and cached: the
    version, then four queries whatever the number of cases. A cache that is down costs the
    computation, not an error.
    """
    if version is None:
        version = inspection_data_version(inspection)
    key = scores_cache_key(inspection, version)
    cached = cache_get(key)
    if isinstance(cached, InspectionScores):
        return replace(cached, inspection=inspection)
    scores = inspection_scores_compute(inspection)
    cache_set(key, scores, timeout=SCORES_CACHE_SECONDS)
    return scores


def inspection_scores_compute(inspection: Inspection) -> InspectionScores:
    """inspection_scores without the cache: what the cache holds, and the benchmarks' cold read.

    Four queries whatever the number of cases: the questions and the PDUs (small), then one
    grouped scan of the cases and one of the answers, both grouped by breakdown cell.
    """
    return inspections_scores_compute([inspection])[inspection.pk]


def inspections_scores(inspections: Sequence[Inspection]) -> dict[int, InspectionScores]:
    """inspection_scores for several inspections at once (a programme's), by inspection id.

    A fixed number of queries whatever the number of inspections or cases: their data versions
    (one), then those not in the cache computed together (four more, only if any is missing).
    """
    if not inspections:
        return {}
    versions = dict(
        Inspection.objects.filter(pk__in=[i.pk for i in inspections]).values_list(
            "pk", "data_version"
        )
    )
    found: dict[int, InspectionScores] = {}
    missing: list[Inspection] = []
    for inspection in inspections:
        inspection.data_version = versions[inspection.pk]
        cached = cache_get(scores_cache_key(inspection, int(versions[inspection.pk])))
        if isinstance(cached, InspectionScores):
            found[inspection.pk] = replace(cached, inspection=inspection)
        else:
            missing.append(inspection)
    computed = inspections_scores_compute(missing) if missing else {}
    for inspection in missing:
        scores = computed[inspection.pk]
        cache_set(
            scores_cache_key(inspection, int(versions[inspection.pk])),
            scores,
            timeout=SCORES_CACHE_SECONDS,
        )
        found[inspection.pk] = scores
    return found


def inspections_scores_compute(inspections: Sequence[Inspection]) -> dict[int, InspectionScores]:
    """Compute the scores of one or more inspections, by inspection id, in four queries whatever
    their number: the questions of their frameworks, the PDUs of their regions, one grouped scan
    of their cases and one of their answers (both grouped by inspection and breakdown cell)."""
    ids = [i.pk for i in inspections]
    all_questions = list(
        Question.objects.filter(framework_id__in={i.framework_id for i in inspections})
        .select_related("parent")
        .order_by("order")
    )
    all_pdus = list(
        PDU.objects.filter(region_id__in={i.region_id for i in inspections})
        .order_by("name")
        .values_list("pk", "code", "name", "region_id")
    )
    case_rows_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Case.objects.filter(CASES_COUNTED, inspection_id__in=ids)
        .values("inspection_id", "cell")
        .annotate(
            n=Count("pk"),
            n_adjusted=Count("pk", filter=Q(adjusted_questions=True)),
            **{f"n_{flag}": Count("pk", filter=Q(**{flag: True})) for flag in FLAGS},
        )
        .order_by()
    ):
        case_rows_of[int(row["inspection_id"])].append(dict(row))
    answer_rows_of: dict[int, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for inspection_id, *rest in _answer_counts(ids, all_questions):
        answer_rows_of[inspection_id].append((rest[0], rest[1], rest[2], rest[3], rest[4]))
    computed = {
        inspection.pk: _scores_fold(
            inspection,
            questions=[q for q in all_questions if q.framework_id == inspection.framework_id],
            pdus=[
                (pk, code, name)
                for pk, code, name, region in all_pdus
                if region == inspection.region_id
            ],
            case_rows=case_rows_of.get(inspection.pk, []),
            answer_rows=answer_rows_of.get(inspection.pk, []),
        )
        for inspection in inspections
    }
    for scores in computed.values():
        # Answers in scope can never outnumber the cases: if they do, the tallies are wrong
        # (a trigger dropped, a partial restore). Said loudly; the figures are not hidden.
        if any(q.unanswered < 0 for q in scores.questions):
            logger.error(
                "Inspection %s: more answers counted than cases for %s. The answer tallies "
                "disagree with the answers: run `manage.py tallies_check %s --rebuild`.",
                scores.inspection.slug,
                ", ".join(q.code for q in scores.questions if q.unanswered < 0),
                scores.inspection.slug,
            )
    return computed


def _scores_fold(
    inspection: Inspection,
    *,
    questions: list[Question],
    pdus: list[tuple[int, str, str]],
    case_rows: list[dict[str, Any]],
    answer_rows: list[tuple[int, int, int, int, int]],
) -> InspectionScores:
    """One inspection's figures from its grouped counts (no query)."""
    # counts[(dimension, group)][question_id] = [yes, no, na, in_scope]
    counts: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0, 0])
    )
    cases_in: dict[tuple[str, str], int] = defaultdict(int)
    groups_of: dict[int, tuple[tuple[str, str], ...]] = {}

    # The case counts of each group first (a few dozen groups, against some hundreds of cells),
    # then each question's scope count per group: _scope_count is a sum of the row's counts.
    group_rows: dict[tuple[str, str], dict[str, int]] = {}
    for row in case_rows:
        cell_groups = groups_of.setdefault(row["cell"], _groups_of(row["cell"]))
        for group in cell_groups:
            total = group_rows.get(group)
            if total is None:
                group_rows[group] = {
                    k: int(v) for k, v in row.items() if k == "n" or k.startswith("n_")
                }
            else:
                for k in total:
                    total[k] += int(row[k])
    for group, total in group_rows.items():
        cases_in[group] = total["n"]
        tallies = counts[group]
        for question in questions:
            tallies[question.pk][_SCOPE] = _scope_count(question, total)
    for question_id, cell, yes, no, na in answer_rows:
        for group in groups_of.get(cell) or _groups_of(cell):
            tally = counts[group][question_id]
            tally[_YES] += yes
            tally[_NO] += no
            tally[_NA] += na

    def scores_for(group: tuple[str, str]) -> list[QuestionScore]:
        total = cases_in.get(group, 0)
        by_question = counts.get(group, {})
        out = []
        for question in questions:
            yes, no, na, scope = by_question.get(question.pk, (0, 0, 0, 0))
            out.append(
                QuestionScore(
                    code=question.code,
                    text=question.text,
                    kind=question.kind,
                    parent=question.parent.code if question.parent else None,
                    yes=yes,
                    no=no,
                    # Cases the question does not apply to are not relevant: counted as N/A.
                    not_applicable=na + (total - scope),
                    unanswered=scope - yes - no - na,
                    area=question.area,
                )
            )
        return out

    def group_list(dimension: str, groups: Iterable[tuple[str, str, str]]) -> list[GroupScores]:
        return [
            GroupScores(
                group=key,
                label=label,
                cases=cases_in.get((dimension, lookup), 0),
                questions=scores_for((dimension, lookup)),
            )
            for key, lookup, label in groups
        ]

    total_cases = cases_in.get(("all", "all"), 0)
    breakdowns = {
        "pdu": group_list("pdu", ((code, str(pk), name) for pk, code, name in pdus)),
        "mappa": group_list("mappa", ((key, key, label) for key, label in MAPPA_GROUPS)),
        "rosh": group_list("rosh", ((key, key, label) for key, label, _ in ROSH_GROUPS)),
    }
    profile = {
        "rosh": [
            ProfileRow(key, label, cases_in.get(("rosh", key), 0), total_cases)
            for key, label, _ in ROSH_GROUPS
        ],
        "mappa": [
            ProfileRow(key, label, cases_in.get(("mappa", key), 0), total_cases)
            for key, label in MAPPA_GROUPS
        ],
    }
    return InspectionScores(
        inspection=inspection,
        cases=total_cases,
        questions=scores_for(("all", "all")),
        breakdowns=breakdowns,
        profile=profile,
    )
