"""Errors with stable codes.

Codes never change meaning once released: clients and dead-letter consumers match on them.
``E1xx`` are input errors (one record), ``E2xx`` pipeline and family errors, ``E3xx`` service
errors, ``E4xx`` batch-runner errors.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorCode(Enum):
    """Stable error codes: ``(code, name, message template)``."""

    INVALID_JSON = ("E101", "invalid_json", "Record is not valid JSON: {detail}")
    NOT_AN_OBJECT = ("E102", "not_an_object", "Record is a JSON {kind}, expected an object or a string")
    UNRECOGNIZED_RECORD = (
        "E103",
        "unrecognized_record",
        "Record matches no supported post format (saw keys: {keys})",
    )
    MISSING_TEXT = ("E104", "missing_text", "Record has no post text ({detail})")
    NO_POSTS_IN_PAGE = ("E105", "no_posts_in_page", "API page holds no posts ({detail})")
    INVALID_FIELD = ("E106", "invalid_field", "Field {field!r} has an invalid value: {detail}")
    NO_TEXT_COLUMN = ("E107", "no_text_column", "CSV has no text column (columns: {columns})")
    RECORD_TOO_LARGE = ("E108", "record_too_large", "Record is {size} bytes, over the limit of {limit}")
    UNDECODABLE = ("E109", "undecodable", "Input is not valid UTF-8: {detail}")
    API_ERROR_OBJECT = ("E110", "api_error_object", "Record is an API error, not a post: {detail}")
    NOT_A_POST = ("E111", "not_a_post", "Record is {what}, not a post")
    NORMALIZATION_FAILED = ("E112", "normalization_failed", "Record could not be normalized: {detail}")

    FAMILY_FAILED = ("E201", "family_failed", "Family {family!r} failed on this post: {detail}")
    NOT_CONFIGURED = ("E202", "not_configured", "Family {family!r} is disabled: {detail}")
    UNKNOWN_FAMILY = ("E203", "unknown_family", "Unknown family {family!r}; known families: {known}")
    DEPENDENCY_CYCLE = ("E204", "dependency_cycle", "Families depend on each other in a cycle: {detail}")
    FAMILY_UNAVAILABLE = ("E205", "family_unavailable", "Family {family!r} is not available: {detail}")
    UNDECLARED_ATTRIBUTE = ("E206", "undeclared_attribute", "Family {family!r} emitted undeclared {paths}")

    BAD_REQUEST = ("E301", "bad_request", "{detail}")
    PAYLOAD_TOO_LARGE = ("E302", "payload_too_large", "Request body is over the limit of {limit} bytes")
    UNAUTHORIZED = ("E303", "unauthorized", "A valid API key is required ({detail})")
    OVERLOADED = ("E304", "overloaded", "Server is at capacity; retry after {retry_after} s")
    TOO_MANY_POSTS = ("E305", "too_many_posts", "Request has {count} posts, over the limit of {limit}")
    WORKER_CRASHED = ("E306", "worker_crashed", "A worker process failed on this batch: {detail}")
    UNAVAILABLE = ("E307", "unavailable", "Service is not ready: {detail}")
    NO_ROUTE = ("E308", "no_route", "No route for {method} {path}")
    INTERNAL_ERROR = ("E309", "internal_error", "Unexpected server error ({detail})")
    UNSUPPORTED_MEDIA_TYPE = ("E310", "unsupported_media_type", "Unsupported Content-Type {content_type!r}")

    BAD_INPUT_PATH = ("E401", "bad_input_path", "Cannot read input {path!r}: {detail}")
    MANIFEST_MISMATCH = ("E402", "manifest_mismatch", "Output of shard {shard} does not match its manifest")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def slug(self) -> str:
        return self.value[1]

    def format(self, **kwargs: Any) -> str:
        return self.value[2].format(**kwargs)


class EnrichError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, error: ErrorCode, **kwargs: Any) -> None:
        self.error = error
        self.details = kwargs
        super().__init__(f"[{error.code}] {error.format(**kwargs)}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return self.error.format(**self.details)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.error.code, "name": self.error.slug, "message": self.message}


class InputError(EnrichError):
    """A record cannot be turned into a post. Becomes an error record, never a crash."""


class NotConfigured(EnrichError):
    """Raised by ``Family.setup`` when it cannot run here; disables that family alone."""

    def __init__(self, family: str, detail: str) -> None:
        super().__init__(ErrorCode.NOT_CONFIGURED, family=family, detail=detail)


class PipelineError(EnrichError):
    """A pipeline cannot be built (unknown family, dependency cycle)."""


class ErrorRecord:
    """What stands in the output (or the dead-letter file) for a record that could not be
    turned into a post: ``{"error": {code, name, message, position, id, source}}``."""

    __slots__ = ("code", "id", "message", "name", "position", "source")

    def __init__(self, error: ErrorCode, *, position: int | None = None, id: str | None = None,
                 source: str | None = None, **details: Any) -> None:
        self.code = error.code
        self.name = error.slug
        self.message = error.format(**details)
        self.position = position
        self.id = id
        self.source = source

    @classmethod
    def from_exception(cls, exc: EnrichError, *, position: int | None = None,
                       id: str | None = None, source: str | None = None) -> ErrorRecord:
        rec = cls(exc.error, position=position, id=id, source=source, **exc.details)
        return rec

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "name": self.name, "message": self.message,
                                "position": self.position}
        if self.id is not None:
            body["id"] = self.id
        if self.source is not None:
            body["source"] = self.source
        return {"error": body}

    def __repr__(self) -> str:
        return f"ErrorRecord({self.code} {self.message!r} at {self.position})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ErrorRecord) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]
