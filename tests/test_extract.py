"""Main-text extraction: the founding capture (plain text and flat HTML), dates, chrome."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from newswatch.errors import EmptyInput, NotAnArticle
from newswatch.ingest.extract import (
    TEXTCAPTURE_EXTRACTOR,
    ChromeRules,
    DeclaredDates,
    _split_capture_title,
    declared_dates,
    extract_html,
    extract_text,
    htmldate_params,
    is_menu_line,
    lead_dateline,
    load_resources,
    microdata_published,
    page_offset,
    parse_dateline,
    read_stamp,
    split_title_line,
)

HEADLINE = "Russia won't leave its allies in Central Asia out in the cold"
LEAD = ("Moscow is ready to support the countries in the region amid the sticky situation "
        "in Afghanistan")
LAST = ("Therefore, it is very difficult to predict the way things will keep developing in "
        "Afghanistan and the region as a whole.")
CHROME = ("Rate it", "Add comment", "Сообщите об орфографической ошибке",
          "Выделенный текст слишком длинный.")


def seed_paragraphs(seed_raw: str) -> list[str]:
    """The eleven body paragraphs of the seed: its lines of 50 words or more."""
    return [ln for ln in seed_raw.splitlines() if len(ln.split()) >= 50]


def flat_html(seed_raw: str) -> str:
    """The seed rendered one line per <p>, the headline line in <title> (stack-probe 2a)."""
    lines = [ln for ln in seed_raw.splitlines() if ln.strip()]
    body = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in lines)
    return (f"<html><head><title>{html.escape(lines[0])}</title></head>"
            f"<body>{body}</body></html>")


@pytest.fixture(scope="module")
def seed_article(seed_raw: str):
    return extract_text(seed_raw, "seed.txt")


def test_seed_capture_title_site_and_section(seed_article) -> None:
    assert seed_article.title == HEADLINE
    assert seed_article.site == "News agency Inforos"
    assert seed_article.meta["section"] == "News"
    assert seed_article.extractor == TEXTCAPTURE_EXTRACTOR
    assert seed_article.input_format == "text"


def test_seed_capture_text_has_no_chrome_and_no_cyrillic(seed_article) -> None:
    for chrome in CHROME:
        assert chrome not in seed_article.text
    assert not re.search(r"[\u0400-\u04ff]", seed_article.text)
    removed = {(d["line"], d["reason"]) for d in seed_article.meta["chrome_removed"]}
    assert ("Rate it", "pattern") in removed
    assert ("Сообщите об орфографической ошибке", "pattern") in removed


def test_seed_capture_keeps_lead_and_every_paragraph_without_the_headline(
        seed_article, seed_raw: str) -> None:
    paras = seed_article.text.split("\n\n")
    assert paras[0] == LEAD
    assert paras[-1].endswith(LAST)
    body = seed_paragraphs(seed_raw)
    assert len(body) == 11
    assert paras[1:] == body
    # the title lives in Article.title only; its two repeats in the capture are gone
    assert HEADLINE not in seed_article.text


def test_seed_capture_has_no_invented_date(seed_article) -> None:
    # "the early 2000s", "July 7", "September 11" are body text, not a dateline
    assert seed_article.published is None
    assert seed_article.published_source is None


def test_flat_html_of_seed_gives_same_text_and_no_2000_date(seed_raw: str, seed_article) -> None:
    page = flat_html(seed_raw)
    art = extract_html(page, "seed.html")
    assert art.published is None  # htmldate's free-text search would say 2000-01-01
    assert art.published_source is None
    assert art.title == HEADLINE
    assert art.site == "News agency Inforos"
    assert art.text == seed_article.text
    assert art.extractor.startswith("trafilatura-2.3.1")
    assert art.input_format == "html"


def test_structured_html_date_comes_from_metadata(seed_raw: str) -> None:
    paras = seed_paragraphs(seed_raw)
    page = (
        "<html><head><title>" + html.escape(HEADLINE) + " / News / News agency Inforos</title>"
        '<meta property="article:published_time" content="2021-07-08T10:00:00+03:00">'
        '<meta property="og:site_name" content="News agency Inforos"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<article><h1>" + html.escape(HEADLINE) + "</h1>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        + "</article><footer>Add comment</footer></body></html>"
    )
    art = extract_html(page, "structured.html", url="https://inforos.ru/en/?module=news")
    assert art.published == dt.date(2021, 7, 8)
    assert art.published_source == "htmldate"
    assert art.site == "News agency Inforos"
    assert art.title == HEADLINE
    assert art.text.split("\n\n")[-1].endswith(LAST)


def test_date_only_in_body_text_is_not_a_publication_date() -> None:
    page = ("<html><head><title>Report</title></head><body><p>On 1 January 2000 the "
            "government changed, and in the early 2000s the north-east was a stronghold of "
            "the Northern Alliance, which held the valley for years.</p></body></html>")
    assert extract_html(page, "p.html").published is None


@pytest.mark.parametrize("page", [
    "<html><head><title>x</title></head><body></body></html>",
    "<html><body><nav><ul>" + "".join(
        f"<li><a href='/a{i}'>Story number {i} about some things that happened in the world "
        "today</a></li>" for i in range(30)) + "</ul></nav></body></html>",
])
def test_page_without_article_is_not_an_article(page: str) -> None:
    with pytest.raises(NotAnArticle) as exc:
        extract_html(page, "nav.html")
    assert exc.value.subject == "nav.html"


def test_text_capture_reads_dateline_and_byline() -> None:
    text = ("Taliban seize border crossing\n\nJuly 8, 2021\nBy Jane Roe\n\n"
            "The Taliban said on Thursday they had taken control of the main border crossing "
            "with Iran, as foreign forces continued their withdrawal.\n\nShare\n")
    art = extract_text(text, "t.txt")
    assert art.title == "Taliban seize border crossing"
    assert art.published == dt.date(2021, 7, 8)
    assert art.published_source == "text"
    assert art.author == "Jane Roe"
    assert art.text.startswith("The Taliban said on Thursday")
    assert "Share" not in art.text


def test_russian_capture_chrome_removed() -> None:
    text = ("Лавров: Россия не оставит союзников в Центральной Азии / Новости / Инфорос\n"
            "Поделиться\n"
            "Москва готова задействовать свою военную базу на таджикско-афганской границе, "
            "заявил министр иностранных дел России Сергей Лавров.\n"
            "Читайте также: Талибы заявили о контроле над 85% территории Афганистана\n"
            "Нашли ошибку? Выделите ее и нажмите Ctrl+Enter\n")
    art = extract_text(text, "ru.txt")
    assert art.title == "Лавров: Россия не оставит союзников в Центральной Азии"
    assert art.site == "Инфорос"
    assert art.text == ("Москва готова задействовать свою военную базу на таджикско-афганской "
                        "границе, заявил министр иностранных дел России Сергей Лавров.")


def test_whitespace_only_capture_is_empty_and_chrome_only_is_not_an_article() -> None:
    with pytest.raises(EmptyInput):
        extract_text(" \n\n\t\n", "blank.txt")
    with pytest.raises(NotAnArticle):
        extract_text("Rate it\nAdd comment\nShare\n", "chrome.txt")


@pytest.mark.parametrize(("line", "expected"), [
    ("8 July 2021", dt.date(2021, 7, 8)),
    ("July 8, 2021", dt.date(2021, 7, 8)),
    ("2021-07-08", dt.date(2021, 7, 8)),
    ("08.07.2021, 14:05", dt.date(2021, 7, 8)),
    ("8 июля 2021 г., 12:30", dt.date(2021, 7, 8)),
    ("Published: 8 Jul 2021", dt.date(2021, 7, 8)),
    ("07/08/2021", None),  # day-first or month-first: not read
    ("On July 7, Lavrov addressed a press conference", None),
    ("31 June 2021", None),
])
def test_parse_dateline(line: str, expected: dt.date | None) -> None:
    assert parse_dateline(line, load_resources().months) == expected


def test_split_title_line() -> None:
    t = split_title_line(HEADLINE + " / News / News agency Inforos")
    assert (t.title, t.sections, t.site) == (HEADLINE, ("News",), "News agency Inforos")
    plain = split_title_line("Biden: US troops to leave Afghanistan by August 31")
    assert (plain.title, plain.site) == ("Biden: US troops to leave Afghanistan by August 31",
                                         None)


def test_chrome_pattern_file_parses_and_matches() -> None:
    rules = load_resources().chrome
    assert len(rules.phrases) > 50 and len(rules.regexes) > 10
    assert rules.matches("RATE IT")
    assert rules.matches("  Выделенный текст слишком длинный. ")
    assert rules.matches("12 comments")
    assert rules.matches("Read more: Alibaba poised to launch a Hong Kong listing")
    assert not rules.matches("Moscow is ready to support the countries in the region")
    custom = ChromeRules.parse("# comment\nFoo bar\nre:\\d+ views\n")
    assert custom.matches("foo bar.") and custom.matches("120 views")
    assert not custom.matches("foo bar baz")


# --- captures from other sites: headline choice and capture-mode chrome (issue 13) -----------


def test_site_name_and_slogan_above_the_headline_are_not_the_title() -> None:
    text = ("Lakeside Herald\nNews you can trust since 1950\nHome | Local | Sport | Jobs\n"
            "Council closes lakeside road for spring repairs\n"
            "By Amy Fox | April 2, 2024\n"
            "The council closed the lakeside road on Monday for three weeks of repairs after "
            "winter frost damaged the surface in several places.\n"
            "Buses will follow a diversion through the village until the road reopens.\n"
            "Most read\nFestival tickets sell out in an hour\nNew cafe opens on the pier\n"
            "© 2024 Lakeside Herald\n")
    art = extract_text(text, "lake.txt")
    assert art.title == "Council closes lakeside road for spring repairs"
    assert art.text.split("\n\n") == [
        "The council closed the lakeside road on Monday for three weeks of repairs after "
        "winter frost damaged the surface in several places.",
        "Buses will follow a diversion through the village until the road reopens."]


def test_russian_site_header_menu_and_counter_removed() -> None:
    text = ("Вечерний край\nГлавная | Новости | Спорт | Афиша\n"
            "В городе отремонтируют пять школ\n"
            "Ремонт пяти школ в городе начнется летом, сообщили в управлении образования.\n"
            "Комментарии (3)\nСамое читаемое\nНа вокзале открыли новый зал ожидания\n")
    art = extract_text(text, "ru.txt")
    assert art.title == "В городе отремонтируют пять школ"
    assert art.text == "Ремонт пяти школ в городе начнется летом, сообщили в управлении образования."


def test_dash_title_line_splits_only_with_three_parts_or_a_repeated_site() -> None:
    lines = ["Лесной пожар у поселков — Новости — Горный вестник", "x"]
    head = _split_capture_title(lines[0], lines)
    assert (head.title, head.site) == ("Лесной пожар у поселков", "Горный вестник")
    one_dash = ["Глава МИД — о ситуации на границе", "x"]
    assert _split_capture_title(one_dash[0], one_dash).site is None


@pytest.mark.parametrize(("line", "edge", "menu"), [
    ("Home | World | Business | Sport", False, True),
    ("News > World > Europe", False, True),
    ("About us · Contact · Privacy policy · Terms of use", True, True),
    ("Login | Register", True, True),
    ("Login | Register", False, False),  # two items between paragraphs: could be text
    ("Кремль — о переговорах", False, False),
    ("Prices rose 3% in May | the highest rise in a decade since the crisis began", True, False),
])
def test_menu_lines(line: str, edge: bool, menu: bool) -> None:
    assert is_menu_line(line, edge=edge) is menu


# --- publication dates of pages without metadata (issue 13) -----------------------------------
_BODY = ("<p>Власти области объявили о ремонте моста через реку, работы продлятся два месяца, "
         "движение транспорта на это время будет ограничено.</p>")


def _page(extra: str) -> str:
    return (f"<html><head><title>Ремонт моста</title></head><body><article><h1>Ремонт моста</h1>"
            f"{extra}{_BODY}{_BODY.replace('моста', 'дороги')}</article></body></html>")


@pytest.mark.parametrize(("extra", "day"), [
    ("<p>Опубликовано: 5 Ноября 2020</p>", dt.date(2020, 11, 5)),   # capitalised genitive
    ("<span class='date'>5 Ноября 2020 г.</span>", dt.date(2020, 11, 5)),
    ("<p>Posted 3 March 2021</p>", dt.date(2021, 3, 3)),
    # German: the ordinal day's full stop; htmldate's own search reads the footer's year
    ("<p><nobr>19. Mai 2010</nobr> um 23:03 Uhr</p><footer>© 2016 Bewegliche Lettern</footer>",
     dt.date(2010, 5, 19)),
    # a JavaScript date literal in the reader's future is not the publication date
    ("<script>var expires = new Date(2091, 0, 15);</script><p>Posted 3 March 2021</p>",
     dt.date(2021, 3, 3)),
])
def test_page_without_metadata_dated_from_its_text(extra: str, day: dt.date) -> None:
    art = extract_html(_page(extra), "p.html")
    assert art.published == day, art.meta.get("date_method")


def test_year_only_evidence_gives_no_day() -> None:
    art = extract_html(_page("<p>Мост построили в начале 2000-х, в early 2000s.</p>"), "p.html")
    assert art.published is None


def test_masthead_above_the_headline_is_dropped_and_its_dateline_read() -> None:
    text = ("Midvale Evening News — Local news, sport and weather for the whole of the Midvale area\n"
            "12 March 2024\n"
            "Library reopens after flood repairs\n"
            "The town library reopened on Tuesday after six months of repairs following the floods "
            "that damaged its ground floor and part of its collection last autumn.\n")
    art = extract_text(text, "m.txt")
    assert art.title == "Library reopens after flood repairs"
    assert art.published == dt.date(2024, 3, 12)
    assert art.text.startswith("The town library reopened") and "\n\n" not in art.text
    assert ("Midvale Evening News — Local news, sport and weather for the whole of the Midvale "
            "area", "masthead") in [(d["line"], d["reason"]) for d in art.meta["chrome_removed"]]


# --- which declaration names the day (issue 13) ------------------------------------------------
_EN_BODY = ("<p>The county council said the old bridge over the river will be closed for two "
            "months while workers replace its deck and railings.</p>")
#: A masthead "today" date above the article, as news sites print it; not the article's date.
_MASTHEAD = "<header><time>12.03.2024</time></header>"


def _dated_page(extra: str, body: str = _BODY, head: str = "", top: str = _MASTHEAD) -> str:
    second = body.replace("моста", "дороги").replace("bridge", "road")
    return (f"<html><head><title>Ремонт моста</title>{head}</head><body>{top}<article>"
            f"<h1>Ремонт моста</h1>{extra}{body}{second}</article></body></html>")


def test_microdata_date_published_beats_a_masthead_date() -> None:
    extra = "<span itemprop='datePublished' content='2020-11-05T09:00:00+03:00'>5 Ноября 2020</span>"
    art = extract_html(_dated_page(extra), "p.html")
    assert art.published == dt.date(2020, 11, 5)
    assert art.published_source == "microdata"


def test_microdata_day_is_read_in_the_pages_own_offset() -> None:
    # 21:30 in New York on 14 June is 01:30 UTC on 15 June; the Open Graph tag gives the UTC form.
    head = "<meta property='article:published_time' content='2021-06-15T01:30:00+00:00'>"
    extra = ("<p>By Jo Park <time itemprop='datePublished' datetime='2021-06-14T21:30:00-04:00'>"
             "June 14, 2021</time></p>")
    art = extract_html(_dated_page(extra, _EN_BODY, head), "p.html")
    assert art.published == dt.date(2021, 6, 14)


@pytest.mark.parametrize(("markup", "day"), [
    ("<time itemprop='datePublished' datetime='2019-02-03'>3 Feb</time>", dt.date(2019, 2, 3)),
    ("<span itemprop='author datePublished' content='2019-02-03T10:00Z'></span>", dt.date(2019, 2, 3)),
    ("<meta itemprop='datePublished' content='2019-02-03'>", None),   # left to htmldate
    ("<time itemprop='dateModified' datetime='2019-02-03'>3 Feb</time>", None),
    ("<time itemprop='datePublished'>3 February 2019</time>", None),  # no machine-readable value
    ("<time itemprop='datePublished' datetime='2019-02-30'>30 Feb</time>", None),
])
def test_microdata_published(markup: str, day: dt.date | None) -> None:
    import lxml.html

    tree = lxml.html.fromstring(f"<html><body><article>{markup}</article></body></html>")
    assert microdata_published(tree) == day


def test_url_day_that_begins_a_slug_yields_to_the_pages_metadata() -> None:
    head = "<meta property='article:published_time' content='2022-05-19T10:00:00+00:00'>"
    url = "https://example.org/2022/05/7-ways-to-save-water/"
    art = extract_html(_dated_page("", _EN_BODY, head, top=""), "p.html", url=url)
    assert art.published == dt.date(2022, 5, 19)
    # without a declared date the URL's reading is still used
    art = extract_html(_dated_page("", _EN_BODY, top=""), "p.html", url=url)
    assert art.published == dt.date(2022, 5, 7)


@pytest.mark.parametrize(("url", "deferred"), [
    ("https://example.org/2022/05/7-ways-to-save-water/", True),
    ("https://example.org/2022/05/07/seven-ways/", False),
    ("https://example.org/posts/2022-05-07-seven-ways", False),
    (None, False),
])
def test_htmldate_params_defer_a_slug_day(url: str | None, deferred: bool) -> None:
    assert htmldate_params(url).get("deferred_url_extractor", False) is deferred


@pytest.mark.parametrize(("extra", "body"), [
    ("<p>Report no. 03/2020</p>", _EN_BODY),
    ("<p>Выпуск № 04/2021</p>", _BODY),
])
def test_month_and_year_alone_give_no_day(extra: str, body: str) -> None:
    # htmldate's text search completes "03/2020" to 1 March 2020
    art = extract_html(_dated_page(extra, body, top=""), "p.html")
    assert art.published is None, art.meta.get("date_method")


def test_first_of_the_month_written_out_is_kept() -> None:
    extra = "<p>The council first met on 1 March 2021 to discuss the plan, officials said.</p>"
    art = extract_html(_dated_page(extra, _EN_BODY, top=""), "p.html")
    assert art.published == dt.date(2021, 3, 1)


# --- a last-change or generic <meta> date is not the publication date (issue 13) -------------
#: The byline of a story about a harbour festival, dated in a <time> element.
_HARBOUR = ("<p class='byline'>By Ana Ruiz, <time datetime='2022-03-04T08:00:00+01:00'>"
            "4 March 2022</time></p>")


@pytest.mark.parametrize("head", [
    # DCMI "date" is any event of the page's life; here the CMS wrote its last save into it
    "<meta name='date' content='2022-03-10T16:45:00+01:00'>",
    "<meta name='DC.date' content='2022-03-10'>",
    # htmldate keeps a modified declaration as a reserve and returns it before reading <time>
    "<meta property='og:updated_time' content='2022-03-10T16:45:00+01:00'>",
    "<meta name='last-modified' content='2022-3-10T16:45:00+01:00'>",
])
def test_modified_or_generic_meta_date_yields_to_an_earlier_dated_byline(head: str) -> None:
    art = extract_html(_dated_page(_HARBOUR, _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2022, 3, 4), art.meta.get("date_method")


def test_a_shown_date_after_the_last_change_is_not_taken() -> None:
    # a publication cannot follow the page's last change: 20 March is an event in the story
    head = "<meta name='date' content='2022-03-10T16:45:00+01:00'>"
    extra = "<p class='byline'>By Ana Ruiz, <time datetime='2022-03-20'>20 March 2022</time></p>"
    art = extract_html(_dated_page(extra, _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2022, 3, 10)


def test_an_explicit_publication_declaration_beats_a_generic_date() -> None:
    # htmldate reads the <meta> tags in document order and would return the generic date
    # first; the Open Graph tag says when the article was first published
    head = ("<meta name='date' content='2022-03-10T16:45:00+01:00'>"
            "<meta property='article:published_time' content='2022-03-09T07:00:00+01:00'>")
    art = extract_html(_dated_page(_HARBOUR, _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2022, 3, 9), art.meta.get("date_method")


def test_a_creation_date_yields_to_the_json_ld_publication() -> None:
    # drafted in the evening, published after midnight; the generic and creation tags come
    # first in the head, the publication is declared in JSON-LD only
    head = ("<meta name='dc.date' content='2023-04-18'>"
            "<meta name='dcterms.created' content='2023-04-18T20:25:25-05:00'>"
            "<script type='application/ld+json'>{\"@context\": \"https://schema.org\", "
            "\"@type\": \"NewsArticle\", \"datePublished\": \"2023-04-19T03:02:34-05:00\"}"
            "</script>")
    art = extract_html(_dated_page("", _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2023, 4, 19), art.meta.get("date_method")


def test_the_declared_day_the_page_shows_settles_a_disagreement() -> None:
    # the generic date is the last change, which the page shows as "Stand"; the reader is
    # told that day, and no other declared day appears on the page
    head = ("<meta name='DC.Date' content='2022-03-10T07:30+01:00'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"datePublished\": \"2022-03-09\"}</script>")
    extra = "<p class='stand'>Stand: 10.03.2022, 07:30 Uhr</p>"
    art = extract_html(_dated_page(extra, _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2022, 3, 10), art.meta.get("date_method")


# --- a day declared only as a UTC instant is the publisher's day (issue 13) -------------------
@pytest.mark.parametrize(("head", "extra", "day"), [
    # a date-only value stored as Berlin midnight and written in UTC; the byline shows the day
    ("<meta property='article:published_time' content='2021-11-04T23:00Z'>",
     "<p class='byline'>Von Lena Hart, 5. November 2021</p>", dt.date(2021, 11, 5)),
    # 22:54 in New York written in UTC; the page's <time> elements carry its own offset
    ("<meta property='article:published_time' content='2020-05-02T02:54:29Z'>",
     "<p>Updated <time datetime='2020-05-01T23:10:00-04:00'>11:10 pm</time></p>",
     dt.date(2020, 5, 1)),
    # the byline shows the UTC day itself: kept, whatever offset other timestamps carry
    ("<meta property='article:published_time' content='2023-11-09T04:31:00Z'>",
     "<p>Thursday, November 9, 2023 4:41AM <time datetime='2023-11-08T21:00:00-06:00'>"
     "</time></p>", dt.date(2023, 11, 9)),
    # a date alone names the day: no zone to convert
    ("<meta property='article:published_time' content='2021-11-04'>",
     "<p class='byline'>Von Lena Hart, 5. November 2021</p>", dt.date(2021, 11, 4)),
    # an offset other than UTC is the publisher's own: its day is kept
    ("<meta property='article:published_time' content='2021-11-04T23:00:00+01:00'>",
     "<p class='byline'>5. November 2021</p>", dt.date(2021, 11, 4)),
])
def test_a_utc_instant_is_read_on_the_publishers_day(head: str, extra: str, day: dt.date) -> None:
    art = extract_html(_dated_page(extra, _EN_BODY, head, top=""), "p.html")
    assert art.published == day, art.meta.get("date_method")


@pytest.mark.parametrize(("value", "day", "utc", "hour"), [
    ("2021-11-04T23:00Z", dt.date(2021, 11, 4), True, 23),
    ("2020-05-02T02:54:29.000Z", dt.date(2020, 5, 2), True, 2),
    ("2020-01-20T09:49:32+0000", dt.date(2020, 1, 20), True, 9),
    ("2023-11-08T20:25:25-05:00", dt.date(2023, 11, 8), False, 20),
    ("2022-1-26T14:32", dt.date(2022, 1, 26), False, None),   # no zone: no instant
    ("2021-11-05", dt.date(2021, 11, 5), False, None),
])
def test_read_stamp(value: str, day: dt.date, utc: bool, hour: int | None) -> None:
    stamp = read_stamp(value)
    assert stamp is not None and stamp.day == day and stamp.utc is utc
    assert (stamp.instant.hour if stamp.instant else None) == hour


@pytest.mark.parametrize("value", ["", "garbage", "2021-02-30T10:00Z", "2021-11-04T25:61Z"])
def test_read_stamp_refuses_what_is_not_a_date(value: str) -> None:
    stamp = read_stamp(value)
    assert stamp is None or stamp.instant is None


def test_page_offset() -> None:
    markup = ("<time datetime='2020-05-01T23:10:00-04:00'></time>"
              "{\"date\": \"Fri, 01 May 2020 23:00:00 -0400\"} 2020-05-02T02:54:29.000Z "
              "<time datetime='2020-03-01T10:00:00-05:00'></time>")
    assert page_offset(markup) == dt.timezone(dt.timedelta(hours=-4))
    assert page_offset("2020-05-02T02:54:29Z and 2020-05-02T02:54:29+00:00") is None


# --- a dateline opening the story (issue 13) --------------------------------------------------
@pytest.mark.parametrize(("line", "day"), [
    ("Freiburg, (03.05.2022). Die Stadtbibliothek öffnet nach dem Umbau wieder ihre Türen.",
     dt.date(2022, 5, 3)),
    ("BERLIN, 28.10.2021 – Das Rote Kreuz ruft zu Spenden für die Flutopfer auf.",
     dt.date(2021, 10, 28)),
    ("Москва, 5 ноября 2020 г. — Власти объявили о ремонте моста.", dt.date(2020, 11, 5)),
    ("The council met on 3 May 2022 to discuss the bridge.", None),
    ("Freiburg, Baden. Die Stadtbibliothek öffnet wieder.", None),
])
def test_lead_dateline(line: str, day: dt.date | None) -> None:
    assert lead_dateline([line], load_resources().months) == day


def test_a_lead_dateline_beats_a_calendar_date_in_the_sidebar() -> None:
    body = ("<p>Freiburg, (03.05.2022). Die Stadtbibliothek öffnet nach dem Umbau wieder ihre "
            "Türen, teilte die Stadtverwaltung am Dienstag mit, und lädt zu einem Fest ein.</p>"
            "<p>Die Arbeiten hatten fast zwei Jahre gedauert und mehr gekostet als geplant, "
            "sagte die Leiterin der Bibliothek bei der Wiedereröffnung vor Gästen.</p>")
    sidebar = ("<aside><h3>Veranstaltungen</h3><ul><li>Sa. 07.05.2022 Lesung im Lesesaal</li>"
               "<li>So. 08.05.2022 Konzert im Hof</li></ul></aside>")
    page = (f"<html><head><title>Bibliothek</title></head><body><article><h1>Bibliothek wieder "
            f"offen</h1>{body}</article>{sidebar}</body></html>")
    art = extract_html(page, "p.html")
    assert art.published == dt.date(2022, 5, 3), art.meta.get("date_method")


@pytest.mark.parametrize(("head", "weak", "published"), [
    ("<meta name='date' content='2022-03-10'><meta property='article:publisher' "
     "content='https://example.org/'>", {dt.date(2022, 3, 10)}, False),
    ("<meta itemprop='dateModified' content='2022-03-10T09:00Z'>"
     "<meta itemprop='datePublished' content='2022-03-01'>", {dt.date(2022, 3, 10)}, True),
    ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
     "\"datePublished\": \"2022-03-01\"}</script>", set(), True),
    ("<meta name='dcterms.modified' content='not a date'>", set(), False),
])
def test_declared_dates(head: str, weak: set[dt.date], published: bool) -> None:
    import lxml.html

    tree = lxml.html.fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")
    got = declared_dates(tree)
    assert (got.weak, got.published) == (frozenset(weak), published)


def test_declared_dates_sort_publication_from_creation_and_generic_dates() -> None:
    import lxml.html

    head = ("<meta name='dc.date' content='2023-11-08'>"
            "<meta name='dcterms.created' content='2023-11-08T20:25:25-05:00'>"
            "<meta property='article:published_time' content='2023-11-09T01:00:00Z'>"
            "<meta property='article:publisher' content='https://example.org/'>"
            "<script type='application/ld+json'>{\"@graph\": [{\"@type\": \"VideoObject\", "
            "\"datePublished\": \"2023-06-08\"}, {\"@type\": [\"NewsArticle\"], "
            "\"datePublished\": \"2023-11-09T03:02:34-05:00\"}]}</script>")
    tree = lxml.html.fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")
    got = declared_dates(tree)
    assert [s.day for s in got.publication] == [dt.date(2023, 11, 9)] * 2
    assert [s.day for s in got.generic] == [dt.date(2023, 11, 8)] * 2
    assert got.publication[0].utc and not got.publication[1].utc
    assert got == DeclaredDates(got.weak, True, got.publication, got.generic)


# --- a 1 January original date is a year-only placeholder when the page declares a day -------
@pytest.mark.parametrize(("head", "extra", "day"), [
    # a recipe record created "in 2006", shown as updated on a real day
    ("<meta itemprop='dateCreated' content='01/01/2006'>"
     "<meta itemprop='dateModified' content='2020-09-14'>",
     "<p class='updated'>Updated September 14, 2020</p>", dt.date(2020, 9, 14)),
    # a CMS that stores only the year of first publication, 1 January 10:00
    ("<script type='application/ld+json'>{\"@type\": \"Article\", \"datePublished\": "
     "\"2018-01-01T10:00:00Z\", \"dateModified\": \"2022-05-17T08:00:00Z\"}</script>",
     "<p class='byline'><time datetime='2022-05-17T08:00'>17.05.2022</time></p>",
     dt.date(2022, 5, 17)),
])
def test_a_1_january_original_date_yields_to_the_pages_declared_day(head: str, extra: str,
                                                                     day: dt.date) -> None:
    art = extract_html(_dated_page(extra, _EN_BODY, head, top=""), "p.html")
    assert art.published == day, art.meta.get("date_method")


def test_a_page_published_on_1_january_keeps_it() -> None:
    head = "<meta property='article:published_time' content='2019-01-01T08:00:00+01:00'>"
    extra = "<p>Posted on 1 January 2019 at the county office.</p>"
    art = extract_html(_dated_page(extra, _EN_BODY, head, top=""), "p.html")
    assert art.published == dt.date(2019, 1, 1)


# --- trafilatura's recall mode before a page is refused (issue 13) ----------------------------
def test_recall_mode_is_asked_before_a_page_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # trafilatura's balanced mode sometimes keeps a site slogan as the "main text" of a real
    # story; the page must not be refused before its recall mode has been tried
    import trafilatura

    real = trafilatura.bare_extraction
    calls: list[bool] = []

    def balanced_keeps_the_slogan(*args: object, **kwargs: object) -> object:
        doc = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(bool(kwargs.get("favor_recall")))
        if not kwargs.get("favor_recall"):
            doc.text = "Your daily touchpoint for the digital trade."  # type: ignore[union-attr]
        return doc

    monkeypatch.setattr(trafilatura, "bare_extraction", balanced_keeps_the_slogan)
    head = "<meta property='article:published_time' content='2023-11-06T09:00:00+01:00'>"
    art = extract_html(_dated_page("", _EN_BODY, head, top=""), "p.html")
    assert calls == [False, True]
    assert art.text.startswith("The county council said the old bridge")
    assert art.published == dt.date(2023, 11, 6)


def test_a_page_of_menus_is_still_not_an_article() -> None:
    # neither mode finds a paragraph: the page is refused as before
    items = "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in
                    ("Home", "World", "Sport", "Weather", "Subscribe", "Contact us"))
    page = (f"<html><head><title>Midvale News</title></head><body><nav><ul>{items}</ul></nav>"
            "<p>Please enable JavaScript to continue.</p></body></html>")
    with pytest.raises(NotAnArticle):
        extract_html(page, "p.html")


# --- the page header's "today" and the URL's filing month (issue 13) -------------------------
def test_the_page_headers_today_date_is_not_the_articles() -> None:
    page = ("<html><head><title>Kolumne</title></head><body><header><div class='top'>"
            "<span class='mod_datetime'><time datetime='2023-11-01T13:56:20+01:00'>Mittwoch, "
            "01. November 2023</time></span></div></header><div class='content'>"
            "<h2>Kolumne: Bühne und Publikum</h2><p><span class='text_datum'>31. Oktober 2023."
            "</span> Das Stadttheater zeigt in diesem Herbst drei neue Stücke, und das "
            "Publikum kommt zahlreicher als in den Jahren zuvor.</p><p>Die Intendantin sagte, "
            "man habe mit so vielen Besuchern nicht gerechnet und plane weitere Vorstellungen."
            "</p></div></body></html>")
    art = extract_html(page, "p.html", url="https://example.org/kolumne-buehne")
    assert art.published == dt.date(2023, 10, 31), art.meta.get("date_method")


@pytest.mark.parametrize(("url", "text", "day"), [
    # a blog template that failed to fill in the time; the URL files the post under 2011/12
    ("https://example.org/news/2011/12/keine-panne/",
     "Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um %H:%M Uhr veröffentlicht.",
     dt.date(2011, 12, 3)),
    # two days of that month written: none is chosen
    ("https://example.org/news/2011/12/keine-panne/",
     "Veröffentlicht am 3. Dezember 2011, Nachtrag vom 5. Dezember 2011.", None),
    # a URL with its day is not a month filing; a page without the month's days gives nothing
    ("https://example.org/news/2011/12/03/keine-panne/", "am 3. Dezember 2011", None),
    ("https://example.org/news/2011/12/keine-panne/", "© 2010 Beispiel Verlag", None),
])
def test_the_one_day_of_the_urls_month_the_page_writes(url: str, text: str,
                                                       day: dt.date | None) -> None:
    from newswatch.ingest.extract import _day_in_url_month

    assert _day_in_url_month(url, text, load_resources().months) == day
