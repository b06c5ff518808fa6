"""Mail the auth area sends: the password-reset link (one function a job can call)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from circle.auth.services import make_reset_token
from circle.mail import Notice
from circle.models import Member

# The reset route's path; the view's rule is built from it so the link and the route agree.
RESET_PATH = "/password/reset/<token>"


def reset_link(config: Mapping[str, object], member: Member) -> str:
    """Return the full, signed, single-use reset link for a member."""
    token = make_reset_token(str(config["SECRET_KEY"]), member)
    return str(config["BASE_URL"]) + RESET_PATH.replace("<token>", token)


def reset_notice(config: Mapping[str, object], member: Member) -> Notice:
    """Build the reset e-mail for a member: fixed text and the link, nothing else."""
    return Notice(
        to=member.email,
        subject=str(_l("Nytt passord i Forskningssirkel")),
        intro=str(
            _l(
                "Noen ba om å sette nytt passord for kontoen din. Lenken virker én gang "
                "og i begrenset tid. Ba du ikke om dette, kan du se bort fra e-posten."
            )
        ),
        link=reset_link(config, member),
    )
