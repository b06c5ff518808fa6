"""Templates translate through callables bound once per render: same text as Flask-Babel's."""

from __future__ import annotations

import flask_babel
import jinja2
import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale
from flask_login import login_user

from circle.i18n import _template_gettext
from circle.login import _load_member

STRINGS = ["Søk", "Logg ut", "Mine sirkler", "Deltakere", "Hopp til innholdet", "Ukjent tekst"]


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_bound_gettext_gives_what_flask_babel_gives(app: Flask, locale: str) -> None:
    with app.test_request_context("/"), force_locale(locale):
        for text in STRINGS:
            assert render_template_string("{{ _(s) }}", s=text) == flask_babel.gettext(text)
        if locale == "en":
            assert render_template_string("{{ _('Søk') }}") == "Search"


def test_templates_use_the_bound_callables(app: Flask) -> None:
    """The render context carries our gettext, not the environment's global one."""
    with app.test_request_context("/"):
        processors = app.template_context_processors[None]
        provided = {}
        for processor in processors:
            provided.update(processor())
        assert provided["gettext"] is not app.jinja_env.globals["gettext"]


def test_force_locale_inside_a_request_switches_the_catalogue(app: Flask) -> None:
    """A mail rendered in its reader's language while the request is in bokmål."""
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Søk') }}") == "Søk"
        with force_locale("en"):
            assert render_template_string("{{ _('Søk') }}") == "Search"
        assert render_template_string("{{ _('Søk') }}") == "Søk"


def test_variables_are_escaped_and_percent_signs_kept(app: Flask) -> None:
    with app.test_request_context("/"):
        out = render_template_string("{{ _('Hei %(name)s', name=who) }}", who="<b>Kari</b>")
        assert out == "Hei &lt;b&gt;Kari&lt;/b&gt;"
        # Newstyle gettext always %-formats, so a literal percent sign is written %%.
        assert render_template_string("{{ _('100%% ferdig') }}") == "100% ferdig"
        trans = "{% trans name=who %}Hei {{ name }}{% endtrans %}"
        assert render_template_string(trans, who="<i>") == "Hei &lt;i&gt;"


def test_ngettext_counts_and_escapes(app: Flask) -> None:
    source = "{{ ngettext('%(num)d fil', '%(num)d filer', n) }}"
    with app.test_request_context("/"):
        assert render_template_string(source, n=1) == "1 fil"
        assert render_template_string(source, n=3) == "3 filer"
        plural = (
            "{% trans count=n %}{{ count }} ting{% pluralize %}{{ count }} tinger{% endtrans %}"
        )
        assert render_template_string(plural, n=2) == "2 tinger"


def test_macros_imported_without_context_still_translate(app: Flask) -> None:
    """An imported macro sees only the globals (Flask-Babel's callables): same result."""
    with app.test_request_context("/"), force_locale("en"):
        macro = app.jinja_env.from_string("{% macro m() %}{{ _('Søk') }}{% endmacro %}")
        assert macro.module.m() == "Search"


def test_templates_get_the_member_object_not_the_proxy(app: Flask, make_member) -> None:  # noqa: ANN001
    member = make_member(name="Kari Nordmann")
    with app.test_request_context("/"):
        login_user(member)
        rendered = render_template_string(
            "{{ current_user.name }}|{{ current_user.__class__.__name__ }}"
        )
        assert rendered == "Kari Nordmann|Member"


def test_anonymous_visitors_get_the_anonymous_object(app: Flask) -> None:
    with app.test_request_context("/"):
        assert render_template_string("{{ current_user.is_authenticated }}") == "False"


def test_member_loader_statement_binds_each_token(app: Flask, make_member, session) -> None:  # noqa: ANN001
    """The loader's statement is built once; each call still finds only its own member."""
    first, second = make_member(name="En"), make_member(name="To")
    with app.test_request_context("/"):
        assert _load_member(first.session_token).id == first.id
        assert _load_member(second.session_token).id == second.id
        assert _load_member("no-such-token") is None
        second.active = False
        session.commit()
        assert _load_member(second.session_token) is None


def test_bound_callables_are_plain_functions_of_the_catalogue() -> None:
    class Catalogue:
        def ugettext(self, text: str) -> str:
            return "» " + text

        def ungettext(self, singular: str, plural: str, num: int) -> str:
            return singular if num == 1 else plural

    bound = _template_gettext(Catalogue())
    env = jinja2.Environment()  # noqa: S701 - autoescape is switched on below
    env.globals.update(bound)
    env.globals["_"] = bound["gettext"]
    source = "{{ gettext('hei %(x)s', x=y) }} {{ ngettext('én', 'flere', 2) }}"
    assert env.from_string(source).render(y="<") == "» hei < flere"
    env.autoescape = True
    assert env.from_string(source).render(y="<") == "» hei &lt; flere"
