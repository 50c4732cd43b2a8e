"""Page-number pagination whose parameters are validated, and described as validated.

DRF's own silently falls back to the default for a page size it cannot read and takes the last
of repeated parameters; here `page` and `page_size` are each given at most once, as whole
numbers (page_size 1 to 500), or the request is a 400 naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.validate_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def validate_parameters(self, request: Request) -> None:
        errors: dict[str, list[str]] = {}
        limits = {
            self.page_query_param: (1, None),
            self.page_size_query_param: (1, self.max_page_size),
        }
        for name, (low, high) in limits.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            if len(values) > 1:
                errors[name] = [f"Give {name} once."]
                continue
            value = values[0]
            number = int(value) if _WHOLE_NUMBER.fullmatch(value) else None
            if number is None or number < low or (high is not None and number > high):
                within = f"from {low} to {high}" if high is not None else f"{low} or more"
                errors[name] = [f"{name} must be a whole number {within}."]
        if errors:
            raise ValidationError(errors)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["name"] == self.page_query_param:
                schema["minimum"] = 1
                parameter["description"] = "A page number, from 1 (a page past the last: 404)."
            elif parameter["name"] == self.page_size_query_param:
                schema.update({"minimum": 1, "maximum": self.max_page_size})
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
        return parameters
