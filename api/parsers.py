"""A JSON parser with limits on size and nesting (README: API limits).

DRF's JSONParser reads the whole body, whatever its size, and Python's json module recurses
once per level of nesting, so a body of a thousand `[` raised RecursionError: a 500. This one
reads at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond) and refuses nesting deeper than
API_MAX_JSON_DEPTH (400) after a linear scan, before parsing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# A JSON string (skipped whole: brackets inside it do not nest) or a bracket. The string pattern
# is the "unrolled loop" form, whose alternatives cannot overlap: linear, never backtracking.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "request_too_large"


def json_depth(text: str, *, limit: int) -> int:
    """The nesting depth of a JSON text, counted up to limit + 1 (then it stops): one pass."""
    if text.count("[") + text.count("{") <= limit:
        return 0  # cannot be deeper than the brackets it has
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


class LimitedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        context = parser_context or {}
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            raw = b""
        elif limit is None:
            raw = stream.read()
        else:
            raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise RequestTooLarge(
                    f"The JSON body is too large: at most {limit:,} bytes are accepted."
                )
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        max_depth: int = settings.API_MAX_JSON_DEPTH
        if json_depth(text, limit=max_depth) > max_depth:
            raise exceptions.ParseError(
                f"The JSON body is nested too deeply: at most {max_depth} levels are accepted.",
                code="too_deep",
            )
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # a backstop: the depth check comes first
            raise exceptions.ParseError("The JSON body is nested too deeply.", "too_deep") from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
