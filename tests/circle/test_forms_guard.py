"""Every form of the platform is guarded: identity numbers, control characters, huge integers."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import Form, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField

from circle.forms import GuardedForm
from meetings.models import Meeting
from tests.circle.test_identity import FNR, valid_number

AREAS = ("circle", "meetings", "projects", "library")
NUMBER = valid_number(datetime.date(1979, 3, 8))
SPELT = f"{NUMBER[:6]}\u00ad\u2013{NUMBER[6:]}"


def _form_classes() -> list[type[Form]]:
    """Import every module of every area and return the form classes defined there."""
    for area in AREAS:
        package = importlib.import_module(area)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{area}."):
            importlib.import_module(info.name)
    found: list[type[Form]] = []
    pending = [Form]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in AREAS and sub is not GuardedForm:
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _form_classes()


def test_the_walk_finds_the_forms() -> None:
    names = {cls.__name__ for cls in FORMS}
    assert {"MeetingForm", "PostForm", "ReportForm", "ProfileForm", "ThreadForm"} <= names
    assert len(FORMS) > 50


@pytest.mark.parametrize("form_class", FORMS, ids=[f"{c.__module__}.{c.__name__}" for c in FORMS])
def test_every_form_derives_from_the_guarded_form(form_class: type[Form]) -> None:
    assert issubclass(form_class, GuardedForm), (
        f"{form_class.__module__}.{form_class.__name__} must derive from circle.forms.GuardedForm"
    )


def _text_fields(form: Form) -> list:
    return [
        f
        for f in form
        if isinstance(f, StringField) and not isinstance(f, PasswordField | CSRFTokenField)
    ]


def _submit(app, form_class: type[Form], values: dict[str, str]) -> Form:  # noqa: ANN001
    with app.test_request_context(method="POST", data=values):
        form = form_class(formdata=MultiDict(values))
        form.validate()
        return form


@pytest.mark.parametrize("form_class", FORMS, ids=[f"{c.__module__}.{c.__name__}" for c in FORMS])
def test_every_text_field_of_every_form_refuses_a_number(app, form_class: type[Form]) -> None:
    with app.test_request_context():
        names = [f.name for f in _text_fields(form_class())]
    form = _submit(app, form_class, {name: f"Om {SPELT}." for name in names})
    for name in names:
        field = form[name]
        messages = [str(e) for e in field.errors]
        assert any("fødselsnummer" in m and f"«{field.label.text}»" in m for m in messages), (
            f"{form_class.__name__}.{name}: {messages}"
        )
        assert not any(NUMBER[:6] in m or NUMBER[6:] in m for m in messages)


@pytest.mark.parametrize("form_class", FORMS, ids=[f"{c.__module__}.{c.__name__}" for c in FORMS])
def test_single_line_fields_refuse_control_characters(app, form_class: type[Form]) -> None:
    with app.test_request_context():
        fields = _text_fields(form_class())
    single = [f.name for f in fields if not isinstance(f, TextAreaField)]
    multi = [f.name for f in fields if isinstance(f, TextAreaField)]
    for control in ("a\nb", "a\rb", "a\r\nb", "a\tb", "a\x00b", "a\x1bb", "a\u2028b", "a\x85b"):
        form = _submit(app, form_class, dict.fromkeys(single + multi, control))
        for name in single:
            assert any("kontrolltegn" in str(e) for e in form[name].errors), (name, control)
        for name in multi:
            refused = any("kontrolltegn" in str(e) for e in form[name].errors)
            assert refused == (control in {"a\x00b", "a\x1bb", "a\x85b"}), (name, control)


@pytest.mark.parametrize("form_class", FORMS, ids=[f"{c.__module__}.{c.__name__}" for c in FORMS])
def test_integers_beyond_an_integer_column_are_refused(app, form_class: type[Form]) -> None:
    with app.test_request_context():
        names = [f.name for f in form_class() if isinstance(f, IntegerField)]
    form = _submit(app, form_class, dict.fromkeys(names, "2147483648"))
    for name in names:
        assert form[name].errors, name


def test_ordinary_text_passes_the_guard(app) -> None:
    from meetings.forms import MeetingForm

    values = {
        "kind": "circle",
        "title": "Møte 12 – tlf. 22 33 44 55, sak 2024/123456-7",
        "starts_at": "2030-10-01T10:00",
        "ends_at": "2030-10-01T12:00",
        "place": "Rom 1.12",
        "host_unit_id": "0",
    }
    with app.test_request_context(method="POST", data=values):
        form = MeetingForm(formdata=MultiDict(values))
        form.host_unit_id.choices = [(0, "-")]
        assert form.validate(), form.errors


def _meeting_values(title: str) -> dict[str, str]:
    return {
        "kind": "circle",
        "title": title,
        "starts_at": "2030-10-01T10:00",
        "ends_at": "2030-10-01T13:00",
        "place": "Høgskolen",
        "host_unit_id": "0",
    }


def _field_markup(page: str, field_id: str) -> str:
    match = re.search(rf"<input[^>]*\bid=\"{field_id}\"[^>]*>", page)
    assert match, f"no input #{field_id}"
    return match.group()


@pytest.mark.parametrize(
    ("title", "words"),
    [
        (f"Møte om {FNR[:6]}\u200b{FNR[6:]}", "fødselsnummer"),
        ("Høstmøte\r\nBcc: alle@example.org", "kontrolltegn"),
        ("Høstmøte\rX", "kontrolltegn"),
    ],
)
def test_the_form_marks_the_offending_field(
    client, session, make_circle, make_member, login, mailbox, title: str, words: str
) -> None:
    from circle.models import Role

    circle = make_circle()
    leader = make_member(circle=circle, role=Role.LEADER)
    make_member(circle=circle)
    login(leader)
    response = client.post(f"/c/{circle.slug}/meetings/new", data=_meeting_values(title))
    assert response.status_code == 200
    page = response.text
    markup = _field_markup(page, "title")
    assert 'aria-invalid="true"' in markup
    assert 'aria-describedby="title-err"' in markup
    errors = re.search(r'<ul class="errors" id="title-err">(.*?)</ul>', page, re.S)
    assert errors and words in errors.group(1) and "«Tittel»" in errors.group(1)
    # The text comes back in its field only, so nothing typed is lost; never in a message.
    assert FNR[:6] not in errors.group(1)
    assert FNR[:6] not in page.replace(markup, "")
    assert 'aria-invalid="true"' not in _field_markup(page, "place")
    assert session.scalar(select(func.count(Meeting.id))) == 0
    assert mailbox == []


def test_every_field_is_rendered_through_the_field_macro_with_error_wiring() -> None:
    from pathlib import Path

    macro = (Path(__file__).parents[2] / "templates/_macros/forms.html").read_text()
    assert "aria-invalid" in macro and "aria-describedby" in macro and "-err" in macro


def test_guarded_form_keeps_each_fields_own_validators(app) -> None:
    from circle.auth.forms import ProfileForm

    form = _submit(app, ProfileForm, {"name": "", "job_title": "x" * 121, "locale": "nb"})
    assert form.errors["name"] and form.errors["job_title"]
    assert inspect.getmro(ProfileForm)[1] is GuardedForm
