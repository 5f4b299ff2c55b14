"""The API reference page (``/docs``): the OpenAPI description the app serves at
``/openapi.json``, laid out as a page of the dashboard, with no external assets.

FastAPI's own pages (Swagger UI, ReDoc) load their scripts and styles from a CDN, so they are
switched off (:func:`newswatch.web.app.create_app`); this module reads the same document
(``app.openapi()``, OpenAPI 3.1) and turns it into plain rows for ``templates/apidoc.html``:
operations grouped by their first tag, each with its parameters, request body and declared
responses. Nothing here is hand-written per route, so the page cannot drift from the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Operation", "Param", "reference"]

#: HTTP methods in the order the page lists them for one path.
METHODS = ("get", "post", "put", "patch", "delete")
#: How deep :func:`type_of` follows nested schemas before it gives up and says "object".
MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter or request-body field.

    Attributes:
        name: its name.
        where: ``path``, ``query``, ``header``, ``cookie`` or ``body``.
        required: whether the request must carry it.
        type: the schema in words ("integer", "string (date)", "array of string", a model name).
        description: its description, or "".
    """

    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(slots=True)
class Operation:
    """One method on one path.

    Attributes:
        method: upper-case HTTP method.
        path: the path template ("/api/entities/{entity_id}").
        summary: the docstring's first paragraph (else OpenAPI's summary); description: the
            whole docstring.
        params: path, query and header parameters, then the JSON body's fields.
        body: the request body's schema name (or type), None when there is no body.
        responses: ``(status code, description)`` in code order.
        anchor: an HTML id for links to this operation.
    """

    method: str
    path: str
    summary: str
    description: str
    params: list[Param] = field(default_factory=list)
    body: str | None = None
    responses: list[tuple[str, str]] = field(default_factory=list)
    anchor: str = ""


def _ref(doc: dict[str, Any], schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """``(model name, resolved schema)`` for a ``$ref`` to ``#/components/schemas/...``."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    return name, doc.get("components", {}).get("schemas", {}).get(name, {})


def type_of(doc: dict[str, Any], schema: Any, depth: int = 0) -> str:
    """A JSON schema in a few words: a model name, "integer", "string (date)", "array of
    string", "one of: a, b", alternatives joined by " | " ("integer | null")."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return "object"
    name, _ = _ref(doc, schema)
    if name:
        return name
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return " | ".join(dict.fromkeys(type_of(doc, s, depth + 1) for s in schema[key]))
    if isinstance(schema.get("enum"), list):
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    if kind == "array":
        return "array of " + type_of(doc, schema.get("items", {}), depth + 1)
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _body(doc: dict[str, Any], op: dict[str, Any]) -> tuple[str | None, list[Param]]:
    """The JSON request body: its schema in words and its top-level fields."""
    content: dict[str, Any] = op.get("requestBody", {}).get("content", {})
    media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
    schema = media.get("schema")
    if not isinstance(schema, dict):
        return None, []
    _, resolved = _ref(doc, schema)
    required = set(resolved.get("required", []))
    fields = [Param(name, "body", name in required, type_of(doc, sub),
                    str(sub.get("description", "")) if isinstance(sub, dict) else "")
              for name, sub in (resolved.get("properties") or {}).items()]
    return type_of(doc, schema), fields


def reference(doc: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """The operations of an OpenAPI document grouped by their first tag.

    Args:
        doc: the OpenAPI document (``app.openapi()``).

    Returns:
        ``[(tag, [Operation, ...]), ...]``: tags in the order they first appear, operations
        by path, then in :data:`METHODS` order. Operations without a tag go under "other".
    """
    groups: dict[str, list[Operation]] = {}
    for path in sorted(doc.get("paths", {})):
        item = doc["paths"][path]
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            text = str(op.get("description") or "").strip()
            # FastAPI's summary is the function name in title case: the docstring's first
            # sentence says more
            summary = text.split("\n\n")[0].replace("\n", " ") if text else str(op.get("summary") or "")
            params = [Param(str(p.get("name")), str(p.get("in")), bool(p.get("required")),
                            type_of(doc, p.get("schema", {})), str(p.get("description", "")))
                      for p in op.get("parameters", []) if isinstance(p, dict)]
            body, fields = _body(doc, op)
            responses = sorted((str(code), str(r.get("description", "")))
                               for code, r in (op.get("responses") or {}).items() if isinstance(r, dict))
            anchor = method + "-" + "".join(ch if ch.isalnum() else "-" for ch in path).strip("-")
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(str(tag), []).append(Operation(
                method.upper(), path, summary, text, params + fields, body, responses, anchor))
    return list(groups.items())
