"""A refused upload reaches the bell of the member who sent it (the upload job calls this)."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

from circle.extensions import db
from circle.notifications.services import list_notifications, unread_count
from library.notifications import notify_refused_upload
from tests.library.factories import IDENTITY_NUMBER, lib  # noqa: F401


def test_refused_upload_is_a_notification_for_the_uploader(app, client, login, lib) -> None:
    """No actor (the platform refused it), the file's name and the reason; it links to the
    upload page and counts in the bell."""
    member = lib.members["participant"]
    with app.app_context():
        made = notify_refused_upload(
            db.session,
            uploader=db.session.merge(member),
            circle=db.session.merge(lib.circle),
            filename="rapport.pdf",
            reason="Filen er kryptert.",
        )
        db.session.commit()
        assert [(n.kind, n.actor_id, n.title, n.detail) for n in made] == [
            ("upload_refused", None, "rapport.pdf", "Filen er kryptert.")
        ]
        assert unread_count(db.session, db.session.merge(member)) == 1
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "En fil du lastet opp, ble avvist" in page and "rapport.pdf" in page
    assert "Filen er kryptert." in page
    opened = client.post(f"/notifications/{made[0].id}/open")
    assert opened.headers["Location"].endswith("/c/egen/library/upload")


def test_a_file_name_with_an_identity_number_is_not_repeated(app, lib) -> None:
    """The notice never stores an identity number from the file's name."""
    with app.app_context():
        member = db.session.merge(lib.members["participant"])
        notify_refused_upload(
            db.session,
            uploader=member,
            circle=None,
            filename=f"sak {IDENTITY_NUMBER}.pdf",
            reason="Teksten inneholder et fødselsnummer.",
        )
        db.session.commit()
        (note,) = list_notifications(db.session, member)
        assert IDENTITY_NUMBER not in note.title and note.title == "(filnavnet kan ikke vises)"
