"""The case list's filters: the same FilterSet as the all-cases page (cases/filters.py)."""

from __future__ import annotations

from cases.filters import CaseFilter

__all__ = ["CaseFilter"]
