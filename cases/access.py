"""Who may see a case and who may change, submit or moderate it: the one place these rules are
written, on top of the inspection rules in inspections/access.py (404 for what you may not see,
403 for what you see but may not do; docs/adr/0008).

The rules, the same on every channel (pages, API, services):

- **Seeing**: the lead, administrators and API clients see every case of the inspection; an
  inspector on the team sees the cases allocated to them and those they second-mark.
- **Changing answers**: the allocated inspector while the case is not started, in progress or
  returned; after submission only the lead (or an administrator), always with a reason. A
  lead's change to a key question of a moderated case sends the case back for moderation
  (cases.services.answers). Nobody changes a published inspection; API client tokens never
  write.
- **Submitting**: the allocated inspector, while the case is theirs to change.
- **Moderating**: the lead or the case's second marker, never the case's own inspector, while
  the case is submitted.
- **Withdrawn cases** (cases.services.withdrawal) stay visible to whoever saw them, and nobody
  changes, submits or moderates them any more.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case
from inspections.access import Standing, require_visible

# While a case is in one of these states its allocated inspector may change and submit it.
INSPECTOR_EDITABLE = (Case.Status.NOT_STARTED, Case.Status.IN_PROGRESS, Case.Status.RETURNED)
NOT_FOUND = "No such case."


def cases_visible(standing: Standing) -> QuerySet[Case]:
    """The inspection's cases the user may see. Filters by inspection (and, for an inspector,
    by allocation), so the (inspection, reference) and (inspection, inspector) indexes serve
    every lookup whatever the size of the inspection."""
    cases = Case.objects.filter(inspection_id=standing.inspection.pk)
    if standing.sees_every_case:
        return cases
    if not standing.is_member:
        return cases.none()
    return cases.filter(Q(inspector_id=standing.user_id) | Q(second_marker_id=standing.user_id))


def case_get(standing: Standing, reference: str) -> Case:
    """One case the user may see, with what its pages show joined in; 404 otherwise."""
    require_visible(standing)
    case = (
        cases_visible(standing)
        .select_related("pdu", "inspector", "second_marker")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404(NOT_FOUND)
    case.inspection = standing.inspection
    return case


def can_see_case(standing: Standing, case: Case) -> bool:
    if case.inspection_id != standing.inspection.pk or not standing.visible:
        return False
    if standing.sees_every_case:
        return True
    return standing.is_member and standing.user_id in (case.inspector_id, case.second_marker_id)


def withdrawn_refusal(case: Case) -> str | None:
    if case.withdrawn_at is not None:
        return f"Case {case.reference} was withdrawn from the inspection: it is read-only."
    return None


def answer_write_refusal(standing: Standing, case: Case) -> str | None:
    """None if the user may change this case's answers now; otherwise why not, in a sentence."""
    if standing.is_client:
        return "API client tokens are read-only."
    if standing.read_only:
        return "This inspection has been published: its cases and answers are read-only."
    if withdrawn := withdrawn_refusal(case):
        return withdrawn
    if standing.is_lead:
        return None
    if standing.user_id is not None and case.inspector_id == standing.user_id:
        if case.status in INSPECTOR_EDITABLE:
            return None
        return (
            f"Case {case.reference} is {case.get_status_display().lower()}: only the lead "
            "inspector can change its answers now."
        )
    return "Only the case's allocated inspector or the inspection's lead may change its answers."


def can_write_answers(standing: Standing, case: Case) -> bool:
    return answer_write_refusal(standing, case) is None


def require_answer_write(standing: Standing, case: Case) -> None:
    reason = answer_write_refusal(standing, case)
    if reason is not None:
        raise PermissionDenied(reason)


def reason_needed(case: Case) -> bool:
    """A change to a case that has been submitted says why (kept in its history): after
    submission or moderation (the lead's change), and on a returned case (the inspector's
    answer to the moderator's comments)."""
    return case.status in (Case.Status.SUBMITTED, Case.Status.MODERATED, Case.Status.RETURNED)


def submit_refusal(standing: Standing, case: Case) -> str | None:
    if standing.is_client:
        return "API client tokens are read-only."
    if standing.read_only:
        return "This inspection has been published: its cases are read-only."
    if withdrawn := withdrawn_refusal(case):
        return withdrawn
    if standing.user_id is None or case.inspector_id != standing.user_id:
        return "Only the inspector allocated this case can submit it."
    if case.status not in INSPECTOR_EDITABLE:
        return f"Case {case.reference} is already {case.get_status_display().lower()}."
    return None


def can_submit(standing: Standing, case: Case) -> bool:
    return submit_refusal(standing, case) is None


def require_submit(standing: Standing, case: Case) -> None:
    reason = submit_refusal(standing, case)
    if reason is not None:
        raise PermissionDenied(reason)


def moderate_refusal(standing: Standing, case: Case) -> str | None:
    if standing.is_client:
        return "API client tokens are read-only."
    if standing.read_only:
        return "This inspection has been published: its cases are read-only."
    if withdrawn := withdrawn_refusal(case):
        return withdrawn
    if standing.user_id is not None and case.inspector_id == standing.user_id:
        return "You cannot moderate a case allocated to you."
    if not (standing.is_lead or case.second_marker_id == standing.user_id):
        return "Only the lead inspector or the case's second marker can moderate it."
    if case.status != Case.Status.SUBMITTED:
        return (
            f"Case {case.reference} is {case.get_status_display().lower()}: only a submitted "
            "case can be moderated."
        )
    return None


def can_moderate(standing: Standing, case: Case) -> bool:
    return moderate_refusal(standing, case) is None


def require_moderate(standing: Standing, case: Case) -> None:
    reason = moderate_refusal(standing, case)
    if reason is not None:
        raise PermissionDenied(reason)
