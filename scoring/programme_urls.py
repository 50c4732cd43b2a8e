"""The programme pages under /programmes/ (included from config/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from scoring import programme_views

urlpatterns: list[URLPattern] = [
    path("", programme_views.programme_list, name="programme-list"),
    path("new/", programme_views.programme_new, name="programme-new"),
    path("<slug:slug>/", programme_views.programme_detail, name="programme-detail"),
    path("<slug:slug>/manage/", programme_views.programme_manage, name="programme-manage"),
]
