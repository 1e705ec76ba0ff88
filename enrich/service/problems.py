"""Errors as ``application/problem+json`` (RFC 9457).

Every error answer carries ``type``, ``title``, ``status``, ``detail`` and two extension
members: ``code`` (the stable ``E…`` code of :class:`~enrich.errors.ErrorCode`) and ``name``
(its slug). ``type`` is the relative reference ``/problems/<name>``, which this service answers
with a description of the problem, so the URI identifies the problem and also dereferences.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from ..errors import EnrichError, ErrorCode, ErrorRecord

PROBLEM_CONTENT_TYPE = "application/problem+json"

# HTTP status and a short, constant title for each code that can reach an HTTP answer.
STATUS: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.BAD_REQUEST: (400, "Bad request"),
    ErrorCode.PAYLOAD_TOO_LARGE: (413, "Request body too large"),
    ErrorCode.UNAUTHORIZED: (401, "Unauthorized"),
    ErrorCode.OVERLOADED: (429, "Too many requests"),
    ErrorCode.TOO_MANY_POSTS: (413, "Too many posts in one request"),
    ErrorCode.WORKER_CRASHED: (503, "Worker failed"),
    ErrorCode.UNAVAILABLE: (503, "Service unavailable"),
    ErrorCode.NO_ROUTE: (404, "Not found"),
    ErrorCode.INTERNAL_ERROR: (500, "Internal server error"),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: (415, "Unsupported media type"),
    ErrorCode.UNKNOWN_FAMILY: (400, "Unknown family"),
    # A single post that is not a post: the body is well-formed JSON, the content is not usable.
    ErrorCode.INVALID_JSON: (400, "Body is not valid JSON"),
    ErrorCode.NOT_AN_OBJECT: (422, "Not a post"),
    ErrorCode.UNRECOGNIZED_RECORD: (422, "Unrecognized post format"),
    ErrorCode.MISSING_TEXT: (422, "Post has no text"),
    ErrorCode.NO_POSTS_IN_PAGE: (422, "API page holds no posts"),
    ErrorCode.INVALID_FIELD: (422, "Invalid field"),
    ErrorCode.NO_TEXT_COLUMN: (422, "No text column"),
    ErrorCode.RECORD_TOO_LARGE: (413, "Record too large"),
    ErrorCode.UNDECODABLE: (400, "Body is not valid UTF-8"),
    ErrorCode.API_ERROR_OBJECT: (422, "API error object, not a post"),
}

_BY_SLUG = {code.slug: code for code in ErrorCode}


def problem_type(error: ErrorCode) -> str:
    return f"/problems/{error.slug}"


def lookup(slug: str) -> ErrorCode | None:
    return _BY_SLUG.get(slug)


def status_of(error: ErrorCode) -> tuple[int, str]:
    known = STATUS.get(error)
    if known is not None:
        return known
    if error.code.startswith("E1"):  # input codes added later: still the client's record
        return 422, error.slug.replace("_", " ").capitalize()
    return 500, "Internal server error"


class Problem(Exception):
    """Raise from a handler or middleware to answer with a problem document."""

    def __init__(self, error: ErrorCode, *, status: int | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                 detail: str | None = None, **details: Any) -> None:
        default_status, self.title = status_of(error)
        self.error = error
        self.status = status or default_status
        self.detail = detail if detail is not None else error.format(**details)
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(f"[{error.code}] {self.detail}")

    @classmethod
    def from_error(cls, exc: EnrichError) -> Problem:
        return cls(exc.error, detail=exc.message)

    @classmethod
    def from_record(cls, record: ErrorRecord) -> Problem:
        error = lookup(record.name) or ErrorCode.BAD_REQUEST
        extra: dict[str, Any] = {"position": record.position}
        if record.id is not None:
            extra["id"] = record.id
        return cls(error, detail=record.message, extra=extra)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": problem_type(self.error), "title": self.title,
                               "status": self.status, "detail": self.detail,
                               "code": self.error.code, "name": self.error.slug}
        if instance:
            doc["instance"] = instance
        doc.update(self.extra)
        return doc

    def response(self, instance: str | None = None) -> web.Response:
        return web.Response(status=self.status, body=orjson.dumps(self.body(instance)),
                            content_type=PROBLEM_CONTENT_TYPE, headers=self.headers)


def error_item(error: ErrorCode, position: int | None, **details: Any) -> dict[str, Any]:
    """A per-item error inside a 200 answer (lists and NDJSON), shaped like an error record."""
    return {"error": {"code": error.code, "name": error.slug, "message": error.format(**details),
                      "position": position}}


def describe(error: ErrorCode) -> dict[str, Any]:
    """What ``GET /problems/<name>`` answers."""
    status: int | None
    status, title = status_of(error)
    if error not in STATUS and not error.code.startswith("E1"):
        status = None  # codes that only appear per item (E2xx in enrichment.errors)
        title = error.slug.replace("_", " ").capitalize()
    return {"type": problem_type(error), "code": error.code, "name": error.slug, "title": title,
            "status": status, "message_template": error.value[2]}
