"""One exception tree for newswatch, with stable codes.

Library code raises these; only the CLI turns them into exit codes and messages, and only the
web layer turns them into HTTP statuses. Each class has a ``code`` that appears in error lines,
in stored failure records and in JSON output, so scripts can match on it.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base class. ``code`` is a short stable identifier; ``subject`` names the input."""

    code = "error"

    def __init__(self, message: str, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject

    def line(self) -> str:
        """One-line description: ``<subject>: <code>: <message>``."""
        prefix = f"{self.subject}: " if self.subject else ""
        return f"{prefix}{self.code}: {self.message}"


class InputError(NewswatchError):
    """An input could not be turned into an article (base for the input errors below)."""

    code = "bad-input"


class InputNotFound(InputError):
    """The path does not exist or cannot be opened."""

    code = "not-found"


class EmptyInput(InputError):
    """The input has no bytes, or no text after extraction."""

    code = "empty"


class BinaryInput(InputError):
    """The input looks like binary data (NUL bytes or a known binary signature)."""

    code = "binary"


class EncodingError(InputError):
    """The bytes are not valid in any accepted encoding."""

    code = "encoding"


class TooLarge(InputError):
    """The input exceeds the configured size limit (``max_input_bytes``)."""

    code = "too-large"


class FetchFailed(InputError):
    """A URL could not be fetched (HTTP error status, timeout, refused connection)."""

    code = "fetch-failed"


class NotAnArticle(InputError):
    """The page has no extractable main text (e.g. a navigation page or an empty shell)."""

    code = "not-an-article"


class MalformedRecord(InputError):
    """A JSON Lines record or feed entry cannot be parsed or lacks required fields."""

    code = "malformed"


class StageFailure(NewswatchError):
    """A pipeline stage raised on an article."""

    code = "stage-failed"


class PipelineConfigError(NewswatchError):
    """The stage order is invalid: a stage needs a field no earlier stage provides."""

    code = "pipeline-config"


class StorageError(NewswatchError):
    """The database could not be opened, migrated or written."""

    code = "storage"


class ArticleNotFound(StorageError):
    """No stored article (or revision) has the requested id."""

    code = "article-not-found"


class UnknownCountry(NewswatchError):
    """A ``country`` filter is not an ISO 3166-1 code or country name."""

    code = "unknown-country"
