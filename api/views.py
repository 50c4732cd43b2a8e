"""Views of the API plumbing itself (not of any resource)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from api.exceptions import NOT_FOUND_MESSAGE


class ExportView(APIView):
    """A file download: it answers every Accept header with its file type; errors are JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        renderer = JSONRenderer()
        return (renderer, renderer.media_type)


@csrf_exempt  # nothing is written; a 404 must not become a CSRF failure page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/v1/: the same JSON 404 as the views give, not an HTML page
    (e.g. a path parameter that does not fit its pattern, so no route matched)."""
    return JsonResponse(
        {"detail": NOT_FOUND_MESSAGE, "code": "not_found", "errors": {}}, status=404
    )
