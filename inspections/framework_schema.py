"""JSON Schema of a framework data file (inspections/frameworks/*.json)."""

from __future__ import annotations

from typing import Any

from inspections.models import Question

_CODE = {"type": "string", "pattern": "^[A-Z][A-Za-z0-9]{1,9}$"}
_TEXT = {"type": "string", "minLength": 5}

_PROMPT = {
    "type": "object",
    "required": ["code", "text", "na_allowed"],
    "additionalProperties": False,
    "properties": {
        "code": _CODE,
        "text": _TEXT,
        "na_allowed": {"type": "boolean"},
        "wording_status": {"type": "string"},
    },
}

FRAMEWORK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["slug", "version", "title", "key_questions"],
    "additionalProperties": False,
    "properties": {
        "slug": {"type": "string", "pattern": "^[a-z0-9-]{2,50}$"},
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 3, "maxLength": 200},
        "source": {"type": "string"},
        "licence": {"type": "string"},
        "key_questions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "text", "na_allowed"],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "text": _TEXT,
                    "area": {"type": "string"},
                    "question_set": {"enum": [c.value for c in Question.QuestionSet]},
                    "na_allowed": {"type": "boolean"},
                    "wording_status": {"type": "string"},
                    "prompts": {"type": "array", "items": _PROMPT},
                },
            },
        },
        "supplementary_questions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "text", "na_allowed", "applies_when"],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "text": _TEXT,
                    "topic": {"type": "string"},
                    "na_allowed": {"type": "boolean"},
                    "applies_when": {"enum": [c.value for c in Question.AppliesWhen]},
                    "wording_status": {"type": "string"},
                },
            },
        },
    },
}
