"""Pages under /inspections/<slug>/ (included from config/urls.py)."""

from __future__ import annotations

from django.urls import path

from cases import views

urlpatterns = [
    path("", views.inspection_home, name="inspection-home"),
    path("cases/", views.case_index, name="case-index"),
    path("cases/import/", views.case_import, name="case-import"),
    path("team/", views.team_page, name="team"),
    path("team/<str:username>/", views.team_member, name="team-member"),
    path("team/<str:username>/remove/", views.team_member_remove, name="team-member-remove"),
    path("status/", views.inspection_status, name="inspection-status"),
    path("retention/", views.inspection_retention, name="inspection-retention"),
    path("moderation/sample/", views.moderation_sample, name="moderation-sample"),
    path("cases/import/<int:job_id>/", views.case_import_job, name="case-import-job"),
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path("cases/<str:reference>/submit/", views.case_submit_view, name="case-submit"),
    path("cases/<str:reference>/profile/", views.case_profile, name="case-profile"),
    path("cases/<str:reference>/allocate/", views.case_allocate, name="case-allocate"),
    path("cases/<str:reference>/moderate/", views.case_moderation, name="case-moderate"),
    path("cases/<str:reference>/withdraw/", views.case_withdraw_view, name="case-withdraw"),
    path(
        "cases/<str:reference>/questions/<str:section>/",
        views.case_section,
        name="case-section",
    ),
]

# Service-wide (config/urls.py includes these at the root): an administrator's answer to a
# request about one case's data.
data_requests = [
    path("data-requests/", views.case_data_request, name="case-data-request"),
    path(
        "data-requests/<str:reference>.json",
        views.case_data_document,
        name="case-data-document",
    ),
]
