"""Web pages for an inspection's cases (pages), its team (team) and its lifecycle and moderation
sample (lifecycle). Views parse input, call one service or selector, render."""

from __future__ import annotations

from cases.views.lifecycle import inspection_status, moderation_sample
from cases.views.pages import (
    case_allocate,
    case_detail,
    case_import,
    case_import_job,
    case_index,
    case_moderation,
    case_profile,
    case_section,
    case_submit_view,
    inspection_home,
    status_tag,
)
from cases.views.privacy import (
    case_data_document,
    case_data_request,
    case_withdraw_view,
    inspection_retention,
)
from cases.views.team import team_member, team_member_remove, team_page

__all__ = [
    "case_allocate",
    "case_data_document",
    "case_data_request",
    "case_detail",
    "case_import",
    "case_import_job",
    "case_index",
    "case_moderation",
    "case_profile",
    "case_section",
    "case_submit_view",
    "case_withdraw_view",
    "inspection_home",
    "inspection_retention",
    "inspection_status",
    "moderation_sample",
    "status_tag",
    "team_member",
    "team_member_remove",
    "team_page",
]
