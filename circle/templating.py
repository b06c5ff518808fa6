"""Template helpers every area's pages use: hidden form fields without repeated ids."""

from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup

_HIDDEN_TYPES = frozenset({"HiddenField", "CSRFTokenField"})


def hidden_fields(form: Any) -> Markup:
    """Render a form's hidden fields (its CSRF token among them) without id attributes.

    Flask-WTF's hidden_tag() gives every token id="csrf_token", so a page with several forms
    repeats that id; hidden inputs need no id, scripts find them by name.
    """
    return Markup("").join(field(id=False) for field in form if field.type in _HIDDEN_TYPES)


def init_templating(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals["hidden_fields"] = hidden_fields
