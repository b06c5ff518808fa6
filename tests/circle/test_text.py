"""Tests for the shared Markdown pipeline (SECURITY.md items 1-5)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from circle.text import (
    ALLOWED_TAGS,
    LINK_REL,
    markdown_excerpt,
    render_markdown,
    sanitize_html,
)

DANGEROUS_TAGS = {"script", "img", "svg", "math", "style", "iframe", "object", "embed"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
TAG_RE = re.compile(r"<[^>]*>")
QUOTED_VALUE_RE = re.compile(r'"[^"]*"')
EVENT_ATTRIBUTE_RE = re.compile(r"\son\w*\s*=", re.IGNORECASE)


class _TagCollector(HTMLParser):
    """Collect every start tag with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse_tags(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    """Return (tag, attributes) for every start tag in markup."""
    collector = _TagCollector()
    collector.feed(markup)
    collector.close()
    return collector.tags


def hrefs(markup: str) -> list[str]:
    """Return every href value, entity-decoded, as a browser would read it."""
    return [attrs["href"] or "" for tag, attrs in parse_tags(markup) if "href" in attrs]


def normalised_scheme_text(url: str) -> str:
    """Lower-case url with whitespace and control characters removed, as browsers do."""
    url = html.unescape(url)
    return "".join(ch for ch in url if ch > " " and ch != "\x7f").lower()


def assert_no_dangerous_href(markup: str) -> None:
    """Fail if any link in markup would run script or load inline data."""
    for href in hrefs(markup):
        assert not normalised_scheme_text(href).startswith(DANGEROUS_SCHEMES), href


def assert_only_allowed_markup(markup: str) -> None:
    """Fail if markup holds a tag outside the allow-list or a style/class/id/on* attribute."""
    for tag, attrs in parse_tags(markup):
        assert tag in ALLOWED_TAGS, tag
        for name in attrs:
            assert name not in {"style", "class", "id"}, (tag, name)
            assert not name.startswith("on"), (tag, name)


# --- Basics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, ""])
def test_empty_input_renders_empty_markup(text: str | None) -> None:
    result = render_markdown(text)
    assert isinstance(result, Markup)
    assert result == ""


def test_returns_markup_so_templates_do_not_escape_twice() -> None:
    result = render_markdown("**fet** & _kursiv_")
    assert isinstance(result, Markup)
    assert str(result) == "<p><strong>fet</strong> &amp; <em>kursiv</em></p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Tittel", "<h1>Tittel</h1>"),
        ("- en\n- to", "<ul>\n<li>en</li>\n<li>to</li>\n</ul>"),
        ("1. en\n2. to", "<ol>\n<li>en</li>\n<li>to</li>\n</ol>"),
        ("3. tre\n4. fire", '<ol start="3">\n<li>tre</li>\n<li>fire</li>\n</ol>'),
        ("> sitat", "<blockquote>\n<p>sitat</p>\n</blockquote>"),
        ("Bruk `kode` her", "<p>Bruk <code>kode</code> her</p>"),
        ("```\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        ("---", "<hr>"),
        ("~~strøket~~", "<p><del>strøket</del></p>"),
        ("linje en\nlinje to", "<p>linje en\nlinje to</p>"),  # no nl2br
    ],
)
def test_common_markdown(source: str, expected: str) -> None:
    assert str(render_markdown(source)) == expected


def test_tables_keep_alignment_without_style() -> None:
    result = str(render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |"))
    assert '<th align="left">a</th>' in result
    assert '<td align="right">2</td>' in result
    assert "style" not in result


def test_fenced_code_language_class_is_dropped() -> None:
    result = str(render_markdown("```python\nprint('hei')\n```"))
    assert result == "<pre><code>print('hei')\n</code></pre>"


def test_sane_lists_do_not_merge_ordered_and_unordered() -> None:
    result = str(render_markdown("1. en\n\n- to"))
    assert "<ol>" in result and "<ul>" in result


def test_forged_markdown_placeholders_are_plain_text() -> None:
    result = str(render_markdown("\x02klzzwxh:0\x03 og \x02wzxhzdk:0\x03"))
    assert result == "<p>klzzwxh:0 og wzxhzdk:0</p>"


# --- SECURITY.md 1: raw HTML never survives ------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><style><img src=x onerror=alert(1)></style></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=x.swf></object><embed src=x.swf>",
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- <script>alert(1)</script> -->",
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("wrap", ["{}", "Tekst før {} og etter", "- punkt {}", "> {}", "**{}**"])
def test_raw_html_does_not_survive_rendering(payload: str, wrap: str) -> None:
    result = str(render_markdown(wrap.format(payload)))
    tags = {tag for tag, _ in parse_tags(result)}
    assert not tags & DANGEROUS_TAGS
    assert "<script" not in result.lower()
    assert_only_allowed_markup(result)


def test_markdown_inside_raw_html_blocks_still_works() -> None:
    # Raw HTML is text to Markdown, so a stray <div> does not switch Markdown off.
    result = str(render_markdown("<div>\n**fet**\n</div>"))
    assert result == "<p>&lt;div&gt;\n<strong>fet</strong>\n&lt;/div&gt;</p>"


def test_raw_html_is_shown_as_text() -> None:
    # Escaping (rather than silently dropping) keeps what the user wrote visible.
    result = str(render_markdown("Skriv <script>alert(1)</script> for å teste"))
    assert result == "<p>Skriv &lt;script&gt;alert(1)&lt;/script&gt; for å teste</p>"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitize_html_neutralises_raw_html(payload: str) -> None:
    result = sanitize_html(payload)
    assert not {tag for tag, _ in parse_tags(result)} & DANGEROUS_TAGS
    assert_only_allowed_markup(result)


# --- SECURITY.md 2: dangerous hrefs are dropped --------------------------------------------------

DANGEROUS_LINKS = [
    "[klikk](javascript:alert(1))",
    "[klikk](JaVaScRiPt:alert(1))",
    "[klikk]( javascript:alert(1))",
    "[klikk](&#106;avascript:alert(1))",
    "[klikk](&#x6A;avascript:alert(1))",
    "[klikk](&#0000106;avascript:alert(1))",
    "[klikk](java\tscript:alert(1))",
    "[klikk](java&#9;script:alert(1))",
    "[klikk](java&#x0A;script:alert(1))",
    "[klikk](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klikk](vbscript:msgbox(1))",
    '[klikk](javascript:alert(1) "tittel")',
    "[klikk][1]\n\n[1]: javascript:alert(1)",
    "[klikk][1]\n\n[1]: &#106;avascript:alert(1)",
]


@pytest.mark.parametrize("source", DANGEROUS_LINKS)
def test_dangerous_markdown_link_loses_href_but_keeps_text(source: str) -> None:
    result = str(render_markdown(source))
    assert "klikk" in result
    assert hrefs(result) == []
    assert_no_dangerous_href(result)


@pytest.mark.parametrize(
    "link",
    [
        '<a href="javascript:alert(1)">klikk</a>',
        '<a href="&#106;avascript:alert(1)">klikk</a>',
        '<a href="java&#9;script:alert(1)">klikk</a>',
        '<a href="java\tscript:alert(1)">klikk</a>',
        '<a href="data:text/html,x">klikk</a>',
        '<a href="vbscript:msgbox(1)">klikk</a>',
    ],
)
def test_sanitize_html_drops_dangerous_href(link: str) -> None:
    result = sanitize_html(link)
    assert hrefs(result) == []
    assert "klikk" in result


def test_angle_bracket_autolink_to_javascript_is_not_a_link() -> None:
    result = str(render_markdown("<javascript:alert(1)>"))
    assert hrefs(result) == []


@pytest.mark.parametrize(
    "source",
    [
        "data:text/html,hei og vbscript:msgbox og javascript:alert(1)",
        "data:example.com/x",
        "data://example.com/x",
        "Se DATA:example.no her",
    ],
)
def test_bare_dangerous_schemes_are_not_linkified(source: str) -> None:
    # linkify runs after the allow-list, so its own URL pattern must not produce data: links.
    assert_no_dangerous_href(str(render_markdown(source)))


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[uio](https://www.uio.no/)", "https://www.uio.no/"),
        ("[side](http://example.no/a?b=1&c=2)", "http://example.no/a?b=1&c=2"),
        ("[post](mailto:ola@example.no)", "mailto:ola@example.no"),
        ("[møte](/meetings/3)", "/meetings/3"),
    ],
)
def test_safe_links_keep_their_href(source: str, href: str) -> None:
    assert hrefs(str(render_markdown(source))) == [href]


# --- SECURITY.md 3: no style/class/id/on*, no remote images -------------------------------------


def test_sanitize_html_strips_style_class_id_and_event_attributes() -> None:
    result = sanitize_html(
        '<p style="color:red" class="x" id="y" onclick="alert(1)" onmouseover="alert(2)">'
        '<a href="https://a.no" style="x" class="y" id="z" onfocus="alert(3)">a</a></p>'
    )
    assert result == f'<p><a href="https://a.no" rel="{LINK_REL}">a</a></p>'


def test_markdown_attribute_syntax_is_plain_text() -> None:
    # attr_list is not enabled, so {: onclick=...} can never become an attribute.
    result = str(render_markdown("Avsnitt\n{: .klasse #id onclick=alert(1) style=x }"))
    assert_only_allowed_markup(result)
    assert [attrs for _, attrs in parse_tags(result)] == [{}]


def test_disallowed_attributes_on_allowed_tags_are_stripped() -> None:
    result = sanitize_html('<td align="justify" valign="top">x</td><ol start="1; x">')
    assert_only_allowed_markup(result)
    assert "justify" not in result and "valign" not in result and "start" not in result


def test_markdown_image_becomes_a_link_not_an_img() -> None:
    result = str(render_markdown("![Logo](https://tracker.example/pixel.png)"))
    assert parse_tags(result) == [
        ("p", {}),
        ("a", {"href": "https://tracker.example/pixel.png", "rel": LINK_REL}),
    ]
    assert ">Logo</a>" in result


def test_image_without_alt_links_with_its_address_as_text() -> None:
    result = str(render_markdown("![](https://tracker.example/p.png)"))
    assert ">https://tracker.example/p.png</a>" in result
    assert "<img" not in result


def test_image_inside_link_becomes_its_alt_text() -> None:
    result = str(render_markdown("Se [![Logo](https://x.example/l.png) her](https://uio.no) nå"))
    assert result == f'<p>Se <a href="https://uio.no" rel="{LINK_REL}">Logo her</a> nå</p>'


def test_reference_image_and_dangerous_image_source() -> None:
    result = str(
        render_markdown("![a][1] ![b](javascript:alert(1))\n\n[1]: http://x.example/i.png")
    )
    assert "<img" not in result
    assert hrefs(result) == ["http://x.example/i.png"]


def test_sanitize_html_does_not_allow_img() -> None:
    result = sanitize_html('<img src="https://tracker.example/p.png" alt="x">')
    assert parse_tags(result) == []


# --- SECURITY.md 4: linkify with rel, not inside code -------------------------------------------


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("Se https://www.uio.no/forskning for mer.", "https://www.uio.no/forskning"),
        ("Se http://example.no.", "http://example.no"),
        ("Se www.regjeringen.no i dag", "http://www.regjeringen.no"),
        ("- https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
    ],
)
def test_bare_urls_become_links_with_rel(source: str, href: str) -> None:
    result = str(render_markdown(source))
    links = [attrs for tag, attrs in parse_tags(result) if tag == "a"]
    assert links == [{"href": href, "rel": LINK_REL}]


def test_markdown_and_autolinks_get_the_same_rel() -> None:
    result = str(render_markdown("[a](https://a.no) <https://b.no> <ola@example.no>"))
    links = [attrs for tag, attrs in parse_tags(result) if tag == "a"]
    assert len(links) == 3
    assert all(attrs["rel"] == LINK_REL for attrs in links)


def test_existing_rel_is_replaced() -> None:
    result = sanitize_html('<a href="https://a.no" rel="opener">a</a>')
    assert parse_tags(result) == [("a", {"href": "https://a.no", "rel": LINK_REL})]


@pytest.mark.parametrize(
    "source",
    [
        "Kjør `curl https://example.com/api` nå",
        "```\nhttps://example.com/api\nwww.example.no\n```",
        "    https://example.com/indented",
    ],
)
def test_urls_in_code_stay_text(source: str) -> None:
    result = str(render_markdown(source))
    assert "<a" not in result
    assert "example.com" in result


# --- SECURITY.md 5: property test ----------------------------------------------------------------

FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg><script>", "<math>",
    "<style>", "<iframe src=javascript:alert(1)>", "<a href='javascript:alert(1)'>", "</a>",
    "javascript:", "JaVaScRiPt:", "&#106;avascript:", "&#x6A;", "java\tscript:", "data:",
    "vbscript:", "onerror=", "onclick=\"x\"", " style=\"x\"", " class=x", "[", "]", "(", ")",
    "](", "![", "[x](", "[1]: ", "<", ">", "&", "&amp;", "&#", ";", '"', "'", "`", "```\n",
    "    ", "\n", "\n\n", "*", "**", "_", "~~", "# ", "> ", "- ", "1. ", "| a | b |\n|---|---|\n",
    "http://", "https://example.com/", "www.example.no", "mailto:", "ola@example.no", "{: ",
    "\x00", "\x02", "\x03", "<!--", "-->", "<![CDATA[", "]]>", "\\", "æøå",
]  # fmt: skip

markdown_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=30
).map("".join)


@settings(max_examples=400, deadline=None)
@given(markdown_text)
def test_rendering_is_idempotent_and_never_scriptable(source: str) -> None:
    result = str(render_markdown(source))
    assert sanitize_html(result) == result
    assert_only_allowed_markup(result)
    assert_no_dangerous_href(result)
    for tag in TAG_RE.findall(result):
        # bleach quotes every attribute value, so with values blanked out only tag and
        # attribute names remain: that is where an event handler or a script URL would sit.
        bare = QUOTED_VALUE_RE.sub('""', tag)
        assert not EVENT_ATTRIBUTE_RE.search(bare), tag
        assert "javascript:" not in bare.lower(), tag


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sanitize_html_is_idempotent_on_arbitrary_html(source: str) -> None:
    once = sanitize_html(source)
    assert sanitize_html(once) == once
    assert_only_allowed_markup(once)
    assert_no_dangerous_href(once)


# --- markdown_excerpt ---------------------------------------------------------------------------


def test_excerpt_is_plain_text() -> None:
    source = "# Tittel\n\nDette er **fet** & <script>x</script> [lenke](https://a.no)."
    assert markdown_excerpt(source) == "Tittel Dette er fet & <script>x</script> lenke."


@pytest.mark.parametrize("text", [None, "", "   \n\n  "])
def test_excerpt_of_nothing_is_empty(text: str | None) -> None:
    assert markdown_excerpt(text) == ""


def test_short_excerpt_is_unchanged() -> None:
    assert markdown_excerpt("Kort tekst.", length=11) == "Kort tekst."


def test_excerpt_cuts_at_word_boundary() -> None:
    result = markdown_excerpt("Forskningssirkelen møtes hver tirsdag i biblioteket.", length=30)
    assert result == "Forskningssirkelen møtes hver…"
    assert len(result) <= 30


def test_excerpt_drops_trailing_punctuation_before_ellipsis() -> None:
    assert markdown_excerpt("En, to, tre, fire, fem", length=8) == "En, to…"


def test_excerpt_cuts_a_single_long_word_hard() -> None:
    assert markdown_excerpt("a" * 50, length=10) == "a" * 9 + "…"


def test_excerpt_rejects_non_positive_length() -> None:
    with pytest.raises(ValueError):
        markdown_excerpt("tekst", length=0)


@settings(max_examples=200, deadline=None)
@given(markdown_text, st.integers(min_value=1, max_value=120))
def test_excerpt_never_exceeds_length(source: str, length: int) -> None:
    result = markdown_excerpt(source, length)
    assert len(result) <= length
    assert "\n" not in result


def test_reused_converter_forgets_link_references_of_earlier_texts() -> None:
    """The converter is reused, so a reference defined in one text must not link in another."""
    assert "<a" in render_markdown("[rapport][r]\n\n[r]: https://a.example/")
    later = str(render_markdown("Se [rapport][r] her."))
    assert "<a" not in later
    assert "a.example" not in later


def test_rendering_the_same_text_twice_gives_the_same_html() -> None:
    """A second render of a text (served from the memo) equals the first."""
    source = "**fet** og https://b.example/ og <script>x</script>"
    first = render_markdown(source)
    assert render_markdown(source) == first
    assert "<script>" not in first
