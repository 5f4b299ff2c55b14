"""Users and sign-in sessions, stored in ``app_user`` and ``user_session``.

Framework-free: the CLI (``newswatch user add``) and the web routes call these functions.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ..storage.engine import inserted_id, write_transaction
from ..storage.reader_schema import ROLES, app_user, user_session
from .errors import InvalidInput, NotFound, UserExists
from .security import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

#: Argon2id hash (library defaults) of a throw-away password, verified when the name is unknown
#: so that a failed sign-in takes the same time whether or not the name exists.
TIMING_HASH = "$argon2id$v=19$m=65536,t=3,p=4$MQUSBaYxHBpTXf6hAwsmrA$7mVPPyZm4WGlxawrOPT/nMZayO5q5KAidl1ijzsquqI"
#: User names: 1–64 letters (any script), digits, ``.``, ``_``, ``-``, ``@``.
NAME_PATTERN = re.compile(r"^[\w.@-]{1,64}$")
#: Letters that render as nothing or as a blank (Hangul fillers, Mongolian vowel separator...),
#: refused in names although they count as letters.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u180e\u2800\u17b4\u17b5")
#: Scripts that are written together in one name (Japanese mixes these).
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK"}
#: Letters of other scripts that look like Latin letters (after case folding), and Latin
#: look-alike sequences, mapped to one prototype: the skeleton two confusable names share
#: (after Unicode TS #39, reduced to the scripts newswatch users write).
_CONFUSABLE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "l", "ї": "l",
    "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b", "ӏ": "l", "ɡ": "g",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "0": "o", "1": "l", "i": "l",
})


@dataclass(frozen=True, slots=True)
class User:
    """A user as the application sees it (never the password hash).

    Attributes:
        id: row id.
        name: login name.
        role: ``reader``, ``analyst`` or ``admin``.
        active: False when an admin disabled the account.
        created_at: when it was created (aware UTC).
    """

    id: int
    name: str
    role: str
    active: bool
    created_at: dt.datetime

    def can(self, role: str) -> bool:
        """Whether this user has ``role`` or a more privileged one."""
        return self.active and ROLES.index(self.role) >= ROLES.index(role)

    def to_dict(self) -> dict[str, Any]:
        """JSON view: ``{"id", "name", "role", "active", "created_at"}``."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "created_at": _utc(self.created_at).isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: its user and its CSRF token."""

    user: User
    csrf_token: str


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user(row: Any) -> User:
    return User(
        id=int(row.id),
        name=row.name,
        role=row.role,
        active=bool(row.active),
        created_at=_utc(row.created_at),
    )


def normalize_name(name: str) -> str:
    """The stored form of a user name: surrounding spaces removed, NFKC (fullwidth and
    compatibility forms folded), case-folded, NFKC again."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name.strip()).casefold())


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None  # digits and . _ - @ belong to every script
    word = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
    return _SCRIPT_GROUPS.get(word, word)


def name_skeleton(name: str) -> str:
    """What a name looks like: :func:`normalize_name`, decomposed (NFKD) with its combining
    marks dropped ("aná" reads as "ana"), punctuation and separators dropped (``.``, ``_``,
    ``-``, ``@``: "a.na", "ana.", "_ana" read as "ana"), then look-alike letters mapped to one
    prototype (Cyrillic "а" and Latin "a", "0" and "o", "1" and "l", "rn" and "m"...). Two
    names with the same skeleton are confusable."""
    kept = "".join(c for c in unicodedata.normalize("NFKD", normalize_name(name))
                   if unicodedata.category(c)[0] not in "MPZ")
    return kept.translate(_CONFUSABLE).replace("rn", "m").replace("vv", "w")


def check_name(name: str) -> str:
    """Validate and normalise a new user name.

    Returns:
        The name as stored (:func:`normalize_name`).

    Raises:
        InvalidInput: not 1-64 letters, digits or ``. _ - @``; holds an invisible letter
            (:data:`INVISIBLE_LETTERS`) or a format character; or mixes letters of several
            scripts (Latin with Cyrillic, say).
    """
    norm = normalize_name(name)
    if not NAME_PATTERN.match(norm) or any(
            c in INVISIBLE_LETTERS or unicodedata.category(c) in ("Cf", "Mn", "Me", "Co", "Cn")
            for c in norm):
        raise InvalidInput(
            "a user name is 1-64 letters, digits or . _ - @", params={"field": "name"}
        )
    scripts = {s for s in map(_script, norm) if s}
    if len(scripts) > 1:
        raise InvalidInput(
            f"a user name must not mix scripts ({', '.join(sorted(scripts)).lower()})",
            params={"field": "name"},
        )
    return norm


def check_role(role: str) -> str:
    """Validate a role name.

    Raises:
        InvalidInput: not one of :data:`ROLES`.
    """
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", params={"field": "role"})
    return role


def check_password(password: str) -> str:
    """Validate a new password's length.

    Raises:
        InvalidInput: shorter than :data:`MIN_PASSWORD_CHARS` or longer than
            :data:`MAX_PASSWORD_CHARS` characters.
    """
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InvalidInput(
            f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters",
            params={"field": "password"},
        )
    return password


def create_user(engine: Engine, name: str, password: str, role: str = "reader") -> User:
    """Create a user with an Argon2id-hashed password.

    Args:
        engine: the store's engine.
        name: login name (:func:`check_name`); stored normalised (:func:`normalize_name`).
        password: the password in clear (hashed here, never stored).
        role: ``reader``, ``analyst`` or ``admin``.

    Returns:
        The new :class:`User`.

    Raises:
        InvalidInput: bad name (see :func:`check_name`), a name confusable with an existing
            one (:func:`name_skeleton`), bad role or password length.
        UserExists: the name (after normalisation) is taken.
    """
    name = check_name(name)
    check_role(role)
    check_password(password)
    row: dict[str, Any] = {
        "name": name,
        "password_hash": hash_password(password),
        "role": role,
        "active": True,
        "created_at": _now(),
    }
    skeleton = name_skeleton(name)
    try:
        with write_transaction(engine) as conn:
            for other in conn.scalars(sa.select(app_user.c.name)):
                if normalize_name(other) == name:
                    raise UserExists(f"a user named {name!r} already exists",
                                     params={"name": name})
                if name_skeleton(other) == skeleton:
                    raise InvalidInput(f"the name {name!r} looks like an existing user's name",
                                       params={"field": "name"})
            new_id = inserted_id(conn.execute(sa.insert(app_user), row))
    except IntegrityError:
        raise UserExists(f"a user named {name!r} already exists", params={"name": name}) from None
    return User(int(new_id), name, role, True, row["created_at"])


def get_user(conn: Connection, user_id: int) -> User:
    """The user with ``user_id``.

    Raises:
        NotFound: no such user.
    """
    row = conn.execute(sa.select(app_user).where(app_user.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user {user_id}")
    return _user(row)


def find_user(conn: Connection, name: str) -> User | None:
    """The user called ``name`` (compared in its stored, normalised form), or None."""
    wanted = (normalize_name(name), name.strip())
    row = conn.execute(sa.select(app_user).where(app_user.c.name.in_(wanted))
                       .order_by((app_user.c.name == wanted[0]).desc())).first()
    return _user(row) if row is not None else None


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in conn.execute(sa.select(app_user).order_by(app_user.c.name))]


def update_user(
    engine: Engine, user_id: int, *, role: str | None = None, active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change a user's role, active flag or password; a disabled user's sessions end.

    Raises:
        NotFound: no such user.
        InvalidInput: bad role or password length.
    """
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = check_role(role)
    if active is not None:
        values["active"] = active
    if password is not None:
        values["password_hash"] = hash_password(check_password(password))
    with write_transaction(engine) as conn:
        get_user(conn, user_id)
        if values:
            conn.execute(sa.update(app_user).where(app_user.c.id == user_id).values(values))
        if active is False or password is not None:
            conn.execute(sa.delete(user_session).where(user_session.c.user_id == user_id))
        return get_user(conn, user_id)


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The active user with this name and password, else None.

    Runs one Argon2 verification even for an unknown name, so timing does not tell which
    names exist.
    """
    with engine.connect() as conn:
        wanted = (normalize_name(name), name.strip())  # the stored form; names from before
        row = conn.execute(sa.select(app_user).where(app_user.c.name.in_(wanted))
                           .order_by((app_user.c.name == wanted[0]).desc())).first()
    stored = row.password_hash if row is not None else TIMING_HASH
    ok = verify_password(stored, password)
    if row is None or not ok or not row.active:
        return None
    return _user(row)


def open_session(engine: Engine, user: User, max_age_seconds: int) -> tuple[str, str]:
    """Start a session for ``user``.

    Returns:
        ``(cookie_token, csrf_token)``; only the cookie token's digest is stored.
    """
    token, csrf = new_token(), new_token()
    now = _now()
    with write_transaction(engine) as conn:
        conn.execute(
            sa.delete(user_session).where(user_session.c.expires_at < now)
        )  # housekeeping: forget expired sessions
        conn.execute(
            sa.insert(user_session),
            {
                "token_hash": token_digest(token),
                "user_id": user.id,
                "csrf_token": csrf,
                "created_at": now,
                "expires_at": now + dt.timedelta(seconds=max_age_seconds),
            },
        )
    return token, csrf


def session_for(conn: Connection, token: str | None) -> Session | None:
    """The live session of a cookie token (None when unknown, expired or the user is disabled)."""
    if not token:
        return None
    row = conn.execute(
        sa.select(app_user, user_session.c.csrf_token, user_session.c.expires_at)
        .join(user_session, user_session.c.user_id == app_user.c.id)
        .where(user_session.c.token_hash == token_digest(token))
    ).first()
    if row is None or not row.active or _utc(row.expires_at) <= _now():
        return None
    return Session(_user(row), row.csrf_token)


def close_session(engine: Engine, token: str | None) -> None:
    """End the session of a cookie token (nothing happens for an unknown token)."""
    if not token:
        return
    with write_transaction(engine) as conn:
        conn.execute(sa.delete(user_session).where(user_session.c.token_hash == token_digest(token)))
