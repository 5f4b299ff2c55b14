"""A table-driven stand-in for a spaCy pipeline's ``attribute_ruler``, with the same output.

spaCy's :class:`~spacy.pipeline.AttributeRuler` sets token attributes (POS and MORPH from the
fine-grained tag, a few lemmas and POS exceptions) by running a
:class:`~spacy.matcher.Matcher` of all its patterns at every token. The English core
pipelines ship 179 patterns, almost all one token long and made of equality tests
(``{"TAG": "NN"}``, ``{"LOWER": "'s", "TAG": "POS"}``), so the Matcher spends most of its time
trying patterns that cannot match: 2.0 of spaCy's 20.6 CPU s over 250 White House statements
(``nlp.pipe`` component by component, README "Speed").

:class:`AttributeTable` compiles the same patterns, read from the loaded ruler, into a lookup
keyed by the token attributes the patterns test: the rules that apply to a token are a
function of those values alone, so they are worked out once per distinct combination and
cached; patterns of several tokens are checked only where their first token matches. The rules
are then applied as spaCy applies them: every match is found on the unchanged document first,
then the attributes are set in the order the rules were added, a later rule overwriting an
earlier one, with spaCy's own ``set_token_attrs``. The result is the stock component's,
attribute for attribute (``tests/test_attribute_table.py`` compares the two on corpus texts and
on the patterns of several tokens).

Only patterns this module can evaluate exactly are compiled: tokens without ``OP``, tests on
the attributes of :data:`SUPPORTED_ATTRS` by equality, ``IN``, ``NOT_IN`` or ``REGEX``, and a
target index inside the pattern. :func:`install` leaves a ruler with any other pattern in place.

Source of the semantics replicated: spaCy 3.8 ``spacy/pipeline/attributeruler.py``
(``AttributeRuler.match``: matches sorted by rule number, later rules win;
``set_annotations``: ``set_token_attrs`` on ``span[index]``) and ``spacy/matcher/matcher.pyx``
(equality on the attribute's hash; ``IN`` on a set of hashes; ``REGEX``: ``re.search`` on the
attribute's string; booleans as 0/1).
"""

from __future__ import annotations

import re
from typing import Any

#: Token attributes a compiled pattern may test (spaCy attribute names, as ``Doc.to_array``
#: reads them: hashes of strings, 0/1 for the flag).
SUPPORTED_ATTRS: tuple[str, ...] = ("ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "IS_SPACE")
#: Distinct attribute combinations cached per component before the cache is emptied (bounds
#: memory on an endless stream; a news text has a few thousand).
CACHE_MAX_ENTRIES = 200_000

#: One test of one pattern token: attribute column, kind (``"eq"``, ``"in"``, ``"not_in"``,
#: ``"regex"``) and what it compares with (a hash or 0/1; a frozenset of hashes; a compiled
#: pattern).
_Test = tuple[int, str, Any]


class UnsupportedPattern(ValueError):
    """A ruler pattern this module cannot evaluate exactly (``OP``, another predicate or
    attribute, an index outside the pattern); :func:`install` then keeps the stock ruler."""


def _compile_token(spec: dict[Any, Any], columns: dict[str, int], strings: Any) -> list[_Test]:
    """The tests of one pattern token (a Matcher token dict), each on a column of ``columns``
    (added on first use). Equality compares with the string store's hash of the value (as the
    Matcher's ``string_store.add``), ``IN``/``NOT_IN`` with ``get_string_id`` of each listed
    string (so ``""`` is 0, an unset value), a boolean as 0/1.

    Raises:
        UnsupportedPattern: an operator, attribute or predicate outside :data:`SUPPORTED_ATTRS`
            and equality / ``IN`` / ``NOT_IN`` / ``REGEX``.
    """
    from spacy.strings import get_string_id

    tests: list[_Test] = []
    for raw_key, value in spec.items():
        if not isinstance(raw_key, str):
            raise UnsupportedPattern(f"token test keyed by {raw_key!r}")
        key = raw_key.upper()
        if key == "TEXT":
            key = "ORTH"
        if key not in SUPPORTED_ATTRS:
            raise UnsupportedPattern(f"token test on {raw_key!r}")
        flag = key == "IS_SPACE"
        col = columns.setdefault(key, len(columns))
        if isinstance(value, bool) and flag:
            tests.append((col, "eq", int(value)))
        elif isinstance(value, str) and not flag:
            tests.append((col, "eq", strings.add(value)))
        elif isinstance(value, dict) and value and not flag:
            for op, arg in value.items():
                if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(x, str) for x in arg):
                    tests.append((col, op.lower(), frozenset(get_string_id(x) for x in arg)))
                elif op == "REGEX" and isinstance(arg, str):
                    tests.append((col, "regex", re.compile(arg)))
                else:
                    raise UnsupportedPattern(f"predicate {op!r} on {raw_key!r}")
        else:
            raise UnsupportedPattern(f"value {value!r} for {raw_key!r}")
    return tests


def _passes(tests: list[_Test], key: tuple[int, ...], strings: Any) -> bool:
    """Whether a token with the column values ``key`` passes every test (``REGEX`` reads the
    value's text from ``strings``)."""
    for col, kind, arg in tests:
        v = key[col]
        if kind == "eq":
            ok = v == arg
        elif kind == "in":
            ok = v in arg
        elif kind == "not_in":
            ok = v not in arg
        else:
            ok = arg.search(strings[v]) is not None
        if not ok:
            return False
    return True


#: What a cached token combination comes to: the one-token rules it matches (in rule order),
#: the (multi-token pattern, position) pairs it passes, the merged attributes of those rules.
_Entry = tuple[tuple[int, ...], frozenset[tuple[int, int]], dict[int, Any]]


class AttributeTable:
    """The rules of a loaded ``AttributeRuler``, applied by table look-up (see the module).

    Built by :meth:`from_ruler`; called on a ``Doc`` like any pipeline component (returns the
    same ``Doc``, changed in place). Holds a cache of at most :data:`CACHE_MAX_ENTRIES`
    attribute combinations.
    """

    def __init__(self, columns: dict[str, int], checks: list[tuple[int, int, int, list[_Test]]],
                 multi: list[tuple[int, int, int]], attrs: list[dict[int, Any]]) -> None:
        """Use :meth:`from_ruler`. ``checks``: one per pattern token, (rule, multi-token pattern
        number or -1 for a one-token pattern, position in it, tests); ``multi``: per multi-token
        pattern (rule, length, target index >= 0); ``attrs``: each rule's normalised attributes
        (spaCy ids to values), in rule order.

        Raises:
            ImportError: the installed spaCy lacks ``spacy.tokens._retokenize.set_token_attrs``,
                the setter the ruler itself uses (a private module).
        """
        from spacy.attrs import IDS  # type: ignore[import-not-found]  # a Cython module without stubs
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._attr_ids = [IDS[name] for name in columns]
        self._checks = checks
        self._multi = multi
        self._attrs = attrs
        # a check is tried on a token only when the value of its first equality or IN test is
        # the token's (the index), or always when it has none
        self._index: dict[tuple[int, int], list[int]] = {}
        self._always: list[int] = []
        for c, (_, _, _, tests) in enumerate(checks):
            anchor = next(((col, kind, arg) for col, kind, arg in tests if kind in ("eq", "in")), None)
            if anchor is None:
                self._always.append(c)
                continue
            col, kind, arg = anchor
            for v in ([arg] if kind == "eq" else arg):
                self._index.setdefault((col, v), []).append(c)
        self._cache: dict[tuple[int, ...], _Entry] = {}

    @classmethod
    def from_ruler(cls, ruler: Any) -> AttributeTable:
        """Compile the patterns of a spaCy ``AttributeRuler`` (its ``patterns``, ``attrs`` and
        ``indices``; the ruler is not changed).

        Raises:
            UnsupportedPattern: a pattern the table cannot evaluate exactly.
        """
        strings = ruler.vocab.strings
        columns: dict[str, int] = {}
        checks: list[tuple[int, int, int, list[_Test]]] = []
        multi: list[tuple[int, int, int]] = []
        for rule, entry in enumerate(ruler.patterns):
            index = ruler.indices[rule]
            for pattern in entry["patterns"]:
                if not pattern:  # an OP or any other key is refused by _compile_token
                    raise UnsupportedPattern(f"rule {rule}: empty pattern")
                n = len(pattern)
                if not -n <= index < n:
                    raise UnsupportedPattern(f"rule {rule}: index {index} outside a pattern of {n}")
                tests = [_compile_token(t, columns, strings) for t in pattern]
                if n == 1:
                    checks.append((rule, -1, 0, tests[0]))
                else:
                    checks.extend((rule, len(multi), j, t) for j, t in enumerate(tests))
                    multi.append((rule, n, index % n))
        return cls(columns, checks, multi, list(ruler.attrs))

    def _entry(self, key: tuple[int, ...], strings: Any) -> _Entry:
        """What a token with the column values ``key`` comes to (:data:`_Entry`). ``strings``:
        the document's string store (``REGEX`` tests read the attribute's text)."""
        candidates = set(self._always)
        for col, v in enumerate(key):
            candidates.update(self._index.get((col, v), ()))
        rules: set[int] = set()
        passes: set[tuple[int, int]] = set()
        for c in candidates:
            rule, p, j, tests = self._checks[c]
            if _passes(tests, key, strings):
                if p < 0:
                    rules.add(rule)
                else:
                    passes.add((p, j))
        ordered = tuple(sorted(rules))
        merged: dict[int, Any] = {}
        for rule in ordered:
            merged.update(self._attrs[rule])
        return ordered, frozenset(passes), merged

    def __call__(self, doc: Any) -> Any:
        """Set the rules' attributes on ``doc`` (in place) and return it."""
        n = len(doc)
        if not n or not self._attr_ids:
            return doc
        # (tokens, columns) even for one column, which to_array returns flat
        rows = [tuple(r) for r in doc.to_array(self._attr_ids).reshape(n, len(self._attr_ids)).tolist()]
        cache = self._cache
        if len(cache) > CACHE_MAX_ENTRIES:
            cache.clear()
        entries = []
        for key in rows:
            e = cache.get(key)
            if e is None:
                e = cache[key] = self._entry(key, doc.vocab.strings)
            entries.append(e)
        extra: dict[int, set[int]] = {}  # token -> multi-token rules that target it
        if self._multi:
            for start, (_, passes, _) in enumerate(entries):
                for p, j in passes:
                    if j:
                        continue
                    rule, length, index = self._multi[p]
                    if start + length <= n and all((p, k) in entries[start + k][1] for k in range(1, length)):
                        extra.setdefault(start + index, set()).add(rule)
        for i, (rules, _, merged) in enumerate(entries):
            more = extra.get(i)
            if more:
                attrs: dict[int, Any] = {}
                for rule in sorted(set(rules) | more):
                    attrs.update(self._attrs[rule])
                self._set(doc[i], attrs)
            elif merged:
                self._set(doc[i], merged)
        return doc


def install(nlp: Any, name: str = "attribute_ruler") -> bool:
    """Put an :class:`AttributeTable` of the ``name`` component's rules (an ``AttributeRuler``)
    in its place in the pipeline, as the component ``attribute_table``, and remove the ruler.

    Returns True when replaced; False (the pipeline unchanged) when there is no such component,
    one of its patterns is outside what the table evaluates exactly, or the installed spaCy
    lacks ``spacy.tokens._retokenize.set_token_attrs`` (the setter the ruler itself uses).
    """
    if name not in nlp.pipe_names:
        return False
    _register_factory()
    try:
        nlp.add_pipe(FACTORY, name="attribute_table", after=name, config={"source": name})
    except (UnsupportedPattern, ImportError):  # the ruler stays
        return False
    nlp.remove_pipe(name)
    return True


#: The spaCy factory name under which :func:`install` adds the table.
FACTORY = "newswatch_attribute_table"


def _register_factory() -> None:
    """Register :data:`FACTORY` with spaCy once: it compiles the ruler named by its ``source``
    setting in the same pipeline (``AttributeTable.from_ruler``)."""
    from spacy.language import Language

    if Language.has_factory(FACTORY):
        return

    def make(nlp: Any, name: str, source: str) -> AttributeTable:
        return AttributeTable.from_ruler(nlp.get_pipe(source))

    Language.factory(FACTORY, default_config={"source": "attribute_ruler"}, func=make)
