from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api-auth/", include("rest_framework.urls")),
    path(
        "",
        RedirectView.as_view(url="/api/v1/inspections/south-west-2025/scores/"),
        name="home",
    ),
]
