"""The claims ledger, per article: every figure that states something the ledger tracks becomes
a :class:`~newswatch.model.Claim` (a count of people or of listed things, an amount, or a figure
whose verb has a class; not "the two ministers agreed" nor "300 квадратных метров").

See :mod:`newswatch.stages.claims.extractor` for the rules (subject, property, as-of date, cited
source, group key). Grouping across articles and over time is done by the store
(:mod:`newswatch.storage.situation`) and listed by ``newswatch claims``.
"""

from __future__ import annotations

from ...model import Article
from ...pipeline import Stage, register
from ...text.syntax import DocView
from ..events.actors import ActorResolver, ActorTables
from ..events.coding import EventCoder
from ..events.lexicon import TriggerLexicon
from .extractor import ClaimExtractor, ClaimRules


@register("claims")
class ClaimsStage(Stage):
    """Turn the article's figures into claims (English and Russian; other languages: none)."""

    name = "claims"
    version = "17"
    #: ``places``: the actor resolver reads them (capitals standing for states);
    #: ``published``: the as-of date when the sentence has none; ``source``: the outlet.
    requires = ("text", "language", "published", "source", "tokens", "sentences", "entities", "quotes",
                "figures", "timexes", "places")
    provides = ("claims",)

    def __init__(self) -> None:
        self._lexicons: dict[str, TriggerLexicon] | None = None
        self._tables: ActorTables | None = None
        self._rules: ClaimRules | None = None

    def initialize(self) -> None:
        """Load the trigger lexicons (for subject inheritance), actor tables and property rules."""
        self._lexicons = {lang: TriggerLexicon.load(lang) for lang in ("en", "ru")}
        self._tables = ActorTables.load()
        self._rules = ClaimRules.load()

    def process(self, article: Article) -> None:
        """Fill ``article.claims`` (replacing any earlier list)."""
        assert self._lexicons is not None and self._tables is not None and self._rules is not None
        lang = article.language or "en"
        if lang not in self._lexicons or not article.tokens or not article.figures:
            article.claims = []
            return
        view = DocView.shared(article)
        resolver = ActorResolver(view, self._tables)
        coder = EventCoder(view, self._lexicons[lang], resolver)
        article.claims = ClaimExtractor(article, coder, resolver, self._rules).claims(self.name, self.version)
