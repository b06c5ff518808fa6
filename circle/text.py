"""The one Markdown pipeline: user text to safe HTML via Markdown and a bleach allow-list."""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from functools import lru_cache, partial

import markdown
from bleach.linkifier import LinkifyFilter, build_url_re
from bleach.sanitizer import Cleaner
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th",
        "td", "del", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# Bump when a change here alters the HTML made from the same text: stored renderings carry the
# version that made them, and `flask text rerender` re-renders the rows of an older one.
PIPELINE_VERSION = 1

_MARKDOWN_EXTENSIONS = ("fenced_code", "tables", "sane_lists")
# Alignment as an attribute (not style="...") so it survives the allow-list.
_MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}
# Python-Markdown marks its placeholders with STX/ETX; user text must not be able to forge them.
_PLACEHOLDER_MARKERS = str.maketrans("", "", "\x02\x03")
# Only web links are auto-linked; bleach's default list would also turn "data:..." into a link.
_URL_RE = build_url_re(protocols=["http", "https"])
# ~~text~~ for <del>: the allow-list has the tag but core Markdown has no syntax for it.
_STRIKE_RE = r"(~~)(.+?)~~"
_ALIGN_VALUES = frozenset({"left", "center", "right"})
_LIST_START_RE = re.compile(r"[0-9]{1,6}")
_EXCERPT_TRAILING = " ,.;:–-"


class _ImagesAsLinks(Treeprocessor):
    """Turn images into plain links so a page never loads a remote resource when rendered."""

    # Remote images would let anyone who writes a post track who reads it (and when), so
    # ![alt](url) becomes <a href="url">alt</a>; inside a link it becomes just its alt text,
    # since links cannot nest.
    def run(self, root: etree.Element) -> None:
        """Rewrite every image below root."""
        self._walk(root, inside_link=False)

    def _walk(self, parent: etree.Element, *, inside_link: bool) -> None:
        for child in list(parent):
            if child.tag != "img":
                self._walk(child, inside_link=inside_link or child.tag == "a")
            elif inside_link:
                _replace_with_text(parent, child, child.get("alt", ""))
            else:
                src, alt, title = child.get("src", ""), child.get("alt", ""), child.get("title")
                child.tag = "a"
                child.attrib = {"href": src} | ({"title": title} if title else {})
                child.text = alt or src


def _replace_with_text(parent: etree.Element, child: etree.Element, text: str) -> None:
    """Remove child from parent, keeping text (and child's tail) in its place."""
    text += child.tail or ""
    index = list(parent).index(child)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(child)


class _MentionLinks(InlineProcessor):
    """Turn @Full Name of a known member into a link to that member (never inside code)."""

    def __init__(self, mentions: Mapping[str, str]) -> None:
        self.urls = {name.casefold(): url for name, url in mentions.items()}
        # Longest names first, so "@Anne Marie Berg" is not read as "@Anne Marie".
        names = sorted(mentions, key=len, reverse=True)
        alternatives = "|".join(re.escape(name) for name in names)
        super().__init__(rf"(?<![\w@.])@({alternatives})(?!\w)")
        self.compiled_re = re.compile(self.pattern, re.IGNORECASE | re.UNICODE | re.DOTALL)

    def handleMatch(self, m: re.Match, data: str) -> tuple[etree.Element, int, int]:  # noqa: N802
        """Return the link for one mention."""
        link = etree.Element("a", {"href": self.urls[m.group(1).casefold()]})
        link.text = m.group(0)
        return link, m.start(0), m.end(0)


# Building a converter (its extension registry) and a Cleaner costs more than most renders, so
# each thread keeps one of each: neither is thread-safe, and a Markdown is reset() before reuse.
_PER_THREAD = threading.local()


def _build_markdown(mentions: Mapping[str, str] | None = None) -> markdown.Markdown:
    """Build a Markdown converter that treats raw HTML as text (and links `mentions`)."""
    md = markdown.Markdown(
        extensions=list(_MARKDOWN_EXTENSIONS), extension_configs=_MARKDOWN_CONFIG
    )
    # Without these two, raw HTML passes through Markdown untouched; with them it is escaped
    # as ordinary text, so a user writing about <script> sees exactly what they wrote.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.register(SimpleTagInlineProcessor(_STRIKE_RE, "del"), "strike", 55)
    md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 15)
    if mentions:
        md.inlinePatterns.register(_MentionLinks(mentions), "mention", 65)
    return md


def _markdown() -> markdown.Markdown:
    """Return this thread's Markdown converter, reset so no state of an earlier text remains."""
    md = getattr(_PER_THREAD, "markdown", None)
    if md is None:
        md = _PER_THREAD.markdown = _build_markdown()
    return md.reset()


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Allow only the attributes the allow-list names; never style, class, id or on*."""
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag in {"th", "td"}:
        return name == "align" and value in _ALIGN_VALUES
    if tag == "ol":
        return name == "start" and _LIST_START_RE.fullmatch(value) is not None
    return False


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Give every link, written or auto-linked, the same rel."""
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _build_cleaner() -> Cleaner:
    """Build the allow-list sanitiser with linkify."""
    linkify = partial(
        LinkifyFilter, callbacks=[_set_rel], skip_tags=["pre", "code"], url_re=_URL_RE
    )
    return Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,  # disallowed tags are shown escaped, so their content never becomes markup
        strip_comments=True,
        filters=[linkify],
    )


def _cleaner() -> Cleaner:
    """Return this thread's sanitiser (bleach's parser state is not thread-safe)."""
    cleaner = getattr(_PER_THREAD, "cleaner", None)
    if cleaner is None:
        cleaner = _PER_THREAD.cleaner = _build_cleaner()
    return cleaner


def sanitize_html(html_text: str) -> str:
    """Clean HTML through the allow-list and linkify, as the last step of rendering."""
    return _cleaner().clean(html_text)


def render_markdown(text: str | None, *, mentions: Mapping[str, str] | None = None) -> Markup:
    """Render user Markdown to sanitised HTML; `mentions` maps member names to their links."""
    if not text:
        return Markup("")
    if mentions:
        # Links are made before the allow-list runs, so a mention's href is cleaned like any
        # other; a converter of its own, since its patterns depend on the thread's audience.
        converted = _build_markdown(mentions).convert(text.translate(_PLACEHOLDER_MARKERS))
        return Markup(sanitize_html(converted))  # noqa: S704 - sanitised by the allow-list
    return Markup(_rendered(text))  # noqa: S704 - sanitised by the allow-list in _rendered


# Rendering is a pure function of the text (and this module's code), so a page showing the
# same agenda or description again costs a dictionary look-up; bounded so memory stays flat.
@lru_cache(maxsize=4096)
def _rendered(text: str) -> str:
    converted = _markdown().convert(text.translate(_PLACEHOLDER_MARKERS))
    return sanitize_html(converted)


def _tag_stripper() -> Cleaner:
    """Return this thread's cleaner that keeps no tag at all (bleach's parser is per thread)."""
    stripper = getattr(_PER_THREAD, "stripper", None)
    if stripper is None:
        stripper = _PER_THREAD.stripper = Cleaner(tags=set(), strip=True)
    return stripper


# The plain text of a Markdown source is as pure as its HTML: excerpts on every home page
# cost a look-up, not a parse (building bleach's parser per call cost ~150 µs).
@lru_cache(maxsize=4096)
def _plain_text(text: str) -> str:
    rendered = str(render_markdown(text))
    return " ".join(html.unescape(_tag_stripper().clean(rendered)).split())


def markdown_excerpt(text: str | None, length: int = 200) -> str:
    """Return the plain text of user Markdown, cut at a word boundary to at most length."""
    if length < 1:
        raise ValueError("length must be at least 1")
    plain = _plain_text(text) if text else ""
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1]  # leave room for the ellipsis
    if plain[length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return (cut.rstrip(_EXCERPT_TRAILING) or cut) + "…"
