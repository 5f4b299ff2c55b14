"""Errors of the web layer and the one JSON shape every error response has.

Library errors (:class:`newswatch.errors.NewswatchError`) keep their stable ``code``; this
module maps codes to HTTP statuses (:data:`HTTP_STATUS`) and defines the errors that only
reader activity and the web edge raise. Every error response body is::

    {"error": {"status": 422, "code": "selection-too-long",
               "message": "The selected text is too long (...)", "details": [...]}}

``message`` is in the interface language of the request; ``details`` lists per-field
problems (``{"field": "body.stars", "problem": "..."}``) and is empty otherwise.
"""

from __future__ import annotations

from typing import Any

from ..errors import NewswatchError


class WebError(NewswatchError):
    """A refusal by the dashboard or the reader-activity functions.

    Attributes:
        code: stable identifier, also the key ``error.<code>`` of the message catalogues.
        params: values for the placeholders of the catalogue message.
        details: per-field problems for validation errors.
    """

    code = "web"

    def __init__(
        self,
        message: str = "",
        subject: str | None = None,
        *,
        params: dict[str, Any] | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message or self.code, subject)
        self.params = params or {}
        self.details = details or []


class NotSignedIn(WebError):
    """The action needs a signed-in user."""

    code = "not-signed-in"


class BadCredentials(WebError):
    """Unknown user name, wrong password or disabled account (deliberately not told apart)."""

    code = "bad-credentials"


class Forbidden(WebError):
    """The signed-in user's role does not allow the action."""

    code = "forbidden"


class CsrfFailed(WebError):
    """A write request without the right CSRF token."""

    code = "csrf-failed"


class RateLimited(WebError):
    """Too many write requests in the window; ``params["seconds"]`` says when to retry."""

    code = "rate-limited"


class PayloadTooLarge(WebError):
    """The request body is larger than ``web_max_body_bytes``."""

    code = "payload-too-large"


class InvalidInput(WebError):
    """A field has a value outside its allowed range or set."""

    code = "invalid-input"


class InvalidRequest(WebError):
    """A parameter the request cannot carry (e.g. an integer beyond 64 bits); the same code as
    the validation errors of the request's shape."""

    code = "invalid-request"


class CommentTooLong(WebError):
    """A comment longer than ``web_max_comment_chars``."""

    code = "comment-too-long"


class NoteTooLong(WebError):
    """A report note or resolution longer than ``web_max_note_chars``."""

    code = "note-too-long"


class NoVisibleText(WebError):
    """A required text (a merge or split reason, a new entity's name) with no visible
    character: only spaces, invisible format characters (zero-width spaces and joiners) or
    bidirectional controls."""

    code = "no-visible-text"


class SelectionTooLong(WebError):
    """An error-report selection longer than ``web_max_selection_chars``."""

    code = "selection-too-long"


class SelectionNotFound(WebError):
    """The reported selection is not in the revision text (neither by offsets nor by quote)."""

    code = "selection-not-found"


class NotFound(WebError):
    """No such page, entity, comment, report, revision or user."""

    code = "not-found"


class UserExists(WebError):
    """A user with that name already exists."""

    code = "user-exists"


#: HTTP status of every error code the dashboard can answer with.
HTTP_STATUS: dict[str, int] = {
    "bad-request": 400,
    "bad-host": 400,
    "not-signed-in": 401,
    "bad-credentials": 401,
    "forbidden": 403,
    "csrf-failed": 403,
    "not-found": 404,
    "article-not-found": 404,
    "method-not-allowed": 405,
    "user-exists": 409,
    "payload-too-large": 413,
    "invalid-request": 422,
    "invalid-input": 422,
    "comment-too-long": 422,
    "note-too-long": 422,
    "no-visible-text": 422,
    "selection-too-long": 422,
    "selection-not-found": 422,
    "unknown-country": 422,
    "settings": 422,
    "rate-limited": 429,
    # the watch desk (newswatch.watch): a refused rule, source or feed
    "bad-query": 422,
    "already-exists": 409,
    "no-feed": 422,
    "unsafe-xml": 422,
    "too-large": 422,
    "refused-address": 422,
    "robots-disallowed": 422,
    "fetch-failed": 502,
    # an input the dashboard checks with the command line's code (a digest's e-mail address)
    "bad-input": 422,
    "internal": 500,
    "storage": 503,
}


def status_for(code: str) -> int:
    """HTTP status for an error ``code`` (500 for a code not in :data:`HTTP_STATUS`)."""
    return HTTP_STATUS.get(code, 500)


def error_body(
    status: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The JSON error document (see the module docstring)."""
    return {
        "error": {"status": status, "code": code, "message": message, "details": details or []}
    }
