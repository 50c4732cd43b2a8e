"""Moderation sampling: a seeded, stratified draw of each inspector's submitted cases, with a
second marker for each who is not the case's own inspector. The seed and the draw are recorded
(ModerationSample.record), so the same draw can be made again from the same cases."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import CASES_COUNTED, Case, ModerationSample, SampledCase
from core.typing import AnyUser, User
from inspections.access import require_manage, standing_of
from inspections.models import Inspection, InspectionEvent
from inspections.services import inspection_event

# The strata: RoSH group and MAPPA eligibility, the profile's two risk dimensions.
_ROSH = {"high": "high/very high", "very_high": "high/very high"}


def stratum_of(case: Case) -> str:
    rosh = _ROSH.get(case.rosh, case.get_rosh_display().lower())
    return f"{rosh} RoSH, {'MAPPA' if case.mappa_eligible else 'not MAPPA'}"


def _allocate(quota: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split `quota` across strata in proportion to their sizes (largest remainders; ties by
    stratum name, so the split is the same every time)."""
    total = sum(sizes.values())
    exact = {s: quota * n / total for s, n in sizes.items()}
    taken = {s: min(sizes[s], math.floor(x)) for s, x in exact.items()}
    left = quota - sum(taken.values())
    for s in sorted(sizes, key=lambda s: (-(exact[s] - math.floor(exact[s])), s)):
        if left <= 0:
            break
        if taken[s] < sizes[s]:
            taken[s] += 1
            left -= 1
    return taken


@dataclass(frozen=True)
class Draw:
    """The cases a draw picks: (case, stratum), per inspector, before anything is saved."""

    picks: list[tuple[Case, str]]
    record: dict[str, object]


def sample_plan(*, cases: list[Case], share: int, seed: int) -> Draw:
    """Pure: which of these submitted cases a `share`% draw with `seed` picks. Every inspector
    with cases is moderated (at least one case); within an inspector the quota is split across
    the strata in proportion to their size, and the cases of a stratum are drawn at random."""
    rng = random.Random(seed)
    by_inspector: dict[int, list[Case]] = defaultdict(list)
    for case in sorted(cases, key=lambda c: c.reference):
        by_inspector[case.inspector_id or 0].append(case)
    picks: list[tuple[Case, str]] = []
    inspectors: dict[str, object] = {}
    for inspector_id in sorted(by_inspector):
        own = by_inspector[inspector_id]
        quota = max(1, math.ceil(len(own) * share / 100))
        strata: dict[str, list[Case]] = defaultdict(list)
        for case in own:
            strata[stratum_of(case)].append(case)
        split = _allocate(quota, {s: len(c) for s, c in strata.items()})
        chosen: list[str] = []
        for stratum in sorted(strata):
            for case in rng.sample(strata[stratum], split[stratum]):
                picks.append((case, stratum))
                chosen.append(case.reference)
        inspectors[str(inspector_id)] = {
            "eligible": {s: [c.reference for c in cs] for s, cs in sorted(strata.items())},
            "drawn": sorted(chosen),
        }
    return Draw(picks=picks, record={"share": share, "seed": seed, "inspectors": inspectors})


MAX_SEED = 2**63 - 1  # what the database's bigint column holds


def _markers(inspection: Inspection) -> list[User]:
    return list(
        User.objects.filter(memberships__inspection=inspection)
        .order_by("memberships__role", "username")
        .distinct()
    )


@transaction.atomic
def moderation_sample_draw(
    *, inspection: Inspection, share: int, by: AnyUser | None, seed: int | None = None
) -> ModerationSample:
    """Draw `share`% of each inspector's submitted cases not drawn before, and give each a
    second marker who is not its own inspector (the least loaded first)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if by is not None:
        require_manage(standing_of(by, locked), "draw a moderation sample")
    if not isinstance(share, int) or not 1 <= share <= 100:
        raise ValidationError({"share": ["Enter a share from 1 to 100 per cent."]})
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 1 <= seed <= MAX_SEED:
        raise ValidationError({"seed": [f"Enter a seed from 1 to {MAX_SEED}."]})
    eligible = list(
        Case.objects.select_for_update(of=("self",))
        .filter(CASES_COUNTED, inspection=locked, status=Case.Status.SUBMITTED)
        .filter(sampled__isnull=True)
        .select_related("inspector")
    )
    if not eligible:
        raise ValidationError(
            {
                "share": [
                    "No submitted case is waiting to be sampled: draw when cases are submitted."
                ]
            }
        )
    markers = _markers(locked)
    draw = sample_plan(cases=eligible, share=share, seed=seed)
    load = Counter(
        Case.objects.filter(CASES_COUNTED, inspection=locked, status=Case.Status.SUBMITTED)
        .exclude(second_marker__isnull=True)
        .values_list("second_marker_id", flat=True)
    )
    sample = ModerationSample.objects.create(
        inspection=locked,
        share=share,
        seed=seed,
        drawn_by=by if isinstance(by, User) else None,
        record=draw.record,
    )
    assigned: dict[str, str] = {}
    for case, stratum in draw.picks:
        SampledCase.objects.create(sample=sample, case=case, stratum=stratum)
        if case.second_marker_id is None or case.second_marker_id == case.inspector_id:
            candidates = [m for m in markers if m.pk != case.inspector_id]
            if not candidates:
                continue  # nobody else on the team: the lead moderates, as without a marker
            marker = min(candidates, key=lambda m: (load[m.pk], m.username))
            load[marker.pk] += 1
            Case.objects.filter(pk=case.pk).update(second_marker=marker)
            assigned[case.reference] = marker.get_username()
    sample.record = {**draw.record, "second_markers": assigned}
    sample.save(update_fields=["record"])
    inspection_event(
        inspection=locked,
        kind=InspectionEvent.Kind.SAMPLE,
        summary=(
            f"Moderation sample drawn: {len(draw.picks)} of {len(eligible)} submitted cases "
            f"({share}% of each inspector's, seed {seed})."
        ),
        by=by,
        data={"sample": sample.pk, "share": share, "seed": seed},
    )
    return sample


__all__ = ["moderation_sample_draw", "sample_plan", "stratum_of"]
