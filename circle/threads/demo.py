"""Demo threads: a consultation, a status update with comments, a lively discussion."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from circle.demo import workday
from circle.i18n import local_today
from circle.models import Circle, Member, utcnow
from circle.threads.models import Audience, Notification, ThreadKind
from circle.threads.services import following, moderation
from circle.threads.services.editing import edit_status_update, edit_thread_title
from circle.threads.services.posts import add_post, edit_post
from circle.threads.services.threads import create_status_update, create_thread


def load_demo(session: Session, circle: Circle, people: dict[str, Member]) -> None:
    """Add threads in each state; Lena Brekke (reference group) is left with unread items."""
    from circle.threads.lookup import subject_lookup

    # Status updates resolve their links with url_for, which needs a request context.
    with current_app.test_request_context("/"):
        _load(session, circle, people, subject_lookup())


def _load(session: Session, circle: Circle, p: dict[str, Member], lookup) -> None:  # noqa: ANN001
    today = local_today()
    consultation = create_thread(
        session,
        circle,
        actor=p["siri.lie"],
        audience=Audience.REFERENCE,
        kind=ThreadKind.CONSULTATION,
        requested_by="Bufdir",
        deadline=workday(today + timedelta(days=20)),
        title="Høring: hva bør en nasjonal veileder om ettervern si om samarbeid med NAV?",
        body=(
            "Direktoratet reviderer veiledningen om ettervern og vil gjerne høre fra "
            "praksis.\n\n1. Når i forløpet bør NAV komme inn?\n2. Hvilke rutiner har dere "
            "som faktisk virker?\n3. Hva mangler i dagens veiledning?\n\nKorte svar er fint; "
            "vi samler dem før fristen."
        ),
    )
    moderation.set_pinned(session, consultation, True, actor=p["ingrid.lund"])
    first = add_post(
        session,
        consultation,
        actor=p["jonas.vik"],
        body=(
            "Hos oss fungerer det best når NAV-veilederen er med på det første planmøtet, "
            "gjerne et halvt år før ungdommen fyller 18. Da rekker vi å søke bolig i tide."
        ),
    )
    add_post(
        session,
        consultation,
        actor=p["marte.berg"],
        parent=first,
        body=(
            "Enig. Vi har i tillegg en fast kontaktperson i barnevernet som følger med inn i "
            "første NAV-møte, så ungdommen slipper å fortelle alt på nytt."
        ),
    )
    add_post(
        session,
        consultation,
        actor=p["kari.moen"],
        body=(
            "Fra ledersiden: veilederen bør si noe om hvem som har ansvaret for å kalle inn. "
            "Det er der det oftest stopper opp."
        ),
    )

    status = create_status_update(
        session,
        circle,
        actor=p["ingrid.lund"],
        links=_shared(session, circle, lookup),
        lookup=lookup,
        title="Status etter midtveisseminaret",
        body=(
            "Sirkelen har gått over i prosjektfasen. Hver enhet har valgt et lokalt "
            "utviklingsprosjekt:\n\n- felles mal for overføringsmøte\n- sjekkliste for "
            "boligsøknad før 18 år\n- logg for oppfølging i ettervern\n- kartlegging av "
            "ungdommenes egne ønsker\n\nVi tar gjerne imot innspill på hva dere ser som "
            "de største hindrene."
        ),
    )
    # A list item was corrected after publishing; the first wording stays in the history.
    edit_status_update(
        session,
        status,
        actor=p["ingrid.lund"],
        title=status.title,
        body=status.body.replace("logg for oppfølging", "felles logg for oppfølging"),
    )
    thread = following_thread(session, status.id)
    comment = add_post(
        session,
        thread,
        actor=p["lena.brekke"],
        subject=lookup("status_update", status.id),
        body=(
            "Fint å se at ungdommenes egne ønsker får et eget prosjekt. Hvordan blir de "
            "spurt, og får de se hva som kommer ut av det?"
        ),
    )
    add_post(
        session,
        thread,
        actor=p["sara.nilsen"],
        parent=comment,
        subject=lookup("status_update", status.id),
        body=(
            "@Lena Brekke Vi prøver ut en kort samtaleguide som ungdommen fyller ut "
            "sammen med kontaktpersonen. Resultatet deler vi på neste møte med "
            "referansegruppen."
        ),
    )

    discussion = create_thread(
        session,
        circle,
        actor=p["amina.yusuf"],
        audience=Audience.CIRCLE,
        title="Felles mal for overføringsmøte mellom barnevern og NAV",
        body="Jeg har laget et utkast til mal. Hva bør med, og hva kan kuttes?",
    )
    a = add_post(
        session,
        discussion,
        actor=p["omar.haddad"],
        body=("Et punkt om økonomi: hvem søker om hva, og innen når."),
    )
    b = add_post(
        session,
        discussion,
        actor=p["per.strand"],
        parent=a,
        body=("Og hvem som følger opp hvis søknaden blir avslått."),
    )
    c = add_post(
        session,
        discussion,
        actor=p["amina.yusuf"],
        parent=b,
        body=("Godt poeng. @Omar Haddad kan du skrive et forslag til det punktet?"),
    )
    add_post(
        session,
        discussion,
        actor=p["omar.haddad"],
        parent=c,
        body=("Ja, jeg sender et forslag før neste møte."),
    )
    # The thread's first title said too little; the earlier one stays in its history.
    edit_thread_title(
        session,
        discussion,
        actor=p["amina.yusuf"],
        title="Felles mal for overføringsmøtet mellom barnevern og NAV ved 18 år",
    )

    # A conversation four levels deep, opened with a mention, with mentions on the way down
    # and a corrected post (its earlier version is kept).
    housing = create_thread(
        session,
        circle,
        actor=p["henrik.aas"],
        audience=Audience.REFERENCE,
        title="Bolig før 18: hvem tar det første steget?",
        body=(
            "@Randi Sunde og @Lena Brekke: i flere bydeler venter barnevernet på NAV og NAV på "
            "barnevernet før boligsøknaden sendes. Hva ser dere fra deres ståsted?"
        ),
    )
    r1 = add_post(
        session,
        housing,
        actor=p["randi.sunde"],
        body=(
            "Vi ser at søknader om startlån og bostøtte kommer sent. @Jonas Vik, hvordan gjør "
            "dere det på Grünerløkka?"
        ),
    )
    r2 = add_post(
        session,
        housing,
        actor=p["jonas.vik"],
        parent=r1,
        body="Vi starter når ungdommen er 17, sammen med kontaktpersonen i barnevernet.",
    )
    edit_post(
        session,
        r2,
        actor=p["jonas.vik"],
        body=(
            "Vi starter når ungdommen er 17 og et halvt, sammen med kontaktpersonen i "
            "barnevernet og boligkontoret."
        ),
    )
    r3 = add_post(
        session,
        housing,
        actor=p["lena.brekke"],
        parent=r2,
        body=(
            "Det høres lovende ut. @Henrik Aas, kan dette tas med i sluttrapporten som et "
            "eksempel på god praksis?"
        ),
    )
    add_post(
        session,
        housing,
        actor=p["henrik.aas"],
        parent=r3,
        body="Ja, @Jonas Vik og jeg skriver et kort avsnitt om det til neste møte.",
    )
    # A second reply under Randi's post makes the branch long enough to fold on the page.
    add_post(
        session,
        housing,
        actor=p["marte.berg"],
        parent=r1,
        body=(
            "I Bjerke har vi en avtale med boligkontoret om et møte før 17 år. @Randi Sunde, "
            "vil Husbanken se på om startlån kan vurderes tidligere i slike saker?"
        ),
    )

    resolved = create_thread(
        session,
        circle,
        actor=p["mats.eide"],
        audience=Audience.REFERENCE,
        title="Hvordan får ungdommene si sin mening om prosjektene?",
        body="Vi foreslår at ungdommer får lese og kommentere produktene før de er ferdige.",
    )
    add_post(
        session,
        resolved,
        actor=p["henrik.aas"],
        body=("Takk. Vi tar dette inn i planen for prosjektfasen."),
    )
    moderation.resolve_thread(
        session,
        resolved,
        actor=p["henrik.aas"],
        resolution=(
            "To av prosjektene lar nå ungdommer kommentere utkastene, og innspillet er tatt inn "
            "i malen for sluttrapporten."
        ),
    )

    closed = create_thread(
        session,
        circle,
        actor=p["ingrid.lund"],
        audience=Audience.CIRCLE,
        title="Praktisk: rom og servering til marsmøtet",
        body="Vi er på høgskolen, rom 214. Gi beskjed om matallergier.",
    )
    moderation.close_thread(session, closed, actor=p["ingrid.lund"])

    leaders = create_thread(
        session,
        circle,
        actor=p["henrik.aas"],
        audience=Audience.LEADERS,
        title="Program for sluttseminaret",
        body="Skal vi bruke dag to på skriveverksted?",
    )
    add_post(
        session,
        leaders,
        actor=p["ingrid.lund"],
        body="Ja, og la enhetene presentere produktene sine før lunsj.",
    )
    moderation.set_locked(session, leaders, True, actor=p["ingrid.lund"])

    # The demo sends no e-mail; Sara and the leaders have read what they wrote in.
    session.execute(update(Notification).values(mailed_at=utcnow()))
    for local in ("sara.nilsen", "ingrid.lund"):
        for t in (consultation, thread, discussion, resolved):
            following.mark_read(session, p[local], t, t.last_post_id)
    session.flush()


def _shared(session: Session, circle: Circle, lookup) -> list:  # noqa: ANN001
    """Return up to two objects other areas' demo data shares with the reference group."""
    from circle.threads.subjects import reference_feed

    subjects = [
        lookup(item.kind, item.id)
        for item in reference_feed(current_app, session, circle)
        if item.id is not None
    ]
    return [s for s in subjects if s is not None and "reference" in s.audience_ok][:2]


def following_thread(session: Session, status_id: int):  # noqa: ANN201
    """Return the comment thread of a status update."""
    from circle.threads.models import StatusUpdate
    from circle.threads.services.threads import status_thread

    return status_thread(session, session.get(StatusUpdate, status_id))
