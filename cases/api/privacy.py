"""The API's data-protection routes: withdrawing a case before publication
(cases.services.withdrawal)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.concurrency import etag
from cases.access import case_get
from cases.api.serializers import CaseSerializer
from cases.services import case_withdraw
from inspections.access import require_manage, standing_get


class WithdrawalInputSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Why the case is withdrawn."
    )


class CaseWithdrawalView(APIView):
    @extend_schema(
        tags=["cases"],
        operation_id="case_withdraw",
        request=WithdrawalInputSerializer,
        responses={
            200: schema.ok(CaseSerializer, "Withdrawn: its answers no longer count."),
            400: schema.BAD_REQUEST,
        },
    )
    def post(self, request: Request, slug: str, reference: str) -> Response:
        """Withdraw the case from the inspection before publication (the lead), saying why. Its
        answers and history are kept; it leaves every figure. The history records it."""
        standing = standing_get(request.user, slug)
        case = case_get(standing, reference)
        # Refused before the input is read: who may not withdraw learns that, not a 400.
        require_manage(standing, "withdraw a case")
        data = WithdrawalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case_withdraw(case=case, reason=data.validated_data["reason"], by=request.user)
        fresh = case_get(standing, reference)
        return Response(CaseSerializer(fresh).data, headers={"ETag": etag(fresh.version)})
