from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from cases.urls import data_requests as case_data_requests

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api-auth/", include("rest_framework.urls")),
    # The report's pages, before the web pages' own inspections/<slug>/ routes.
    path("inspections/<slug:slug>/report/", include("reports.urls")),
    # The programme summary report, before the programme pages' own programmes/<slug>/ routes.
    path("programmes/<slug:slug>/report/", include("reports.programme_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Service-wide pages, public: the accessibility statement and privacy notice every footer
    # links to.
    path("", include("core.urls")),
    path("", include("inspections.urls")),
    # An administrator's look-up of one case's data, across inspections.
    path("", include(case_data_requests)),
    path("inspections/<slug:slug>/", include("scoring.urls")),
    # National programmes (issue 14): several regions' inspections read side by side.
    path("programmes/", include("scoring.programme_urls")),
    path("inspections/<slug:slug>/", include("cases.urls")),
]

# Django's error pages: JSON under /api/ (the API's error shape), GOV.UK pages elsewhere.
handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
