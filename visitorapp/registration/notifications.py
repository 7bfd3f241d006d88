"""Registration emails, queued in the outbox inside the registration's transaction."""
from flask import current_app, has_request_context, render_template, url_for

from ..outbox.services import enqueue


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email: the host the person used, or PUBLIC_BASE_URL from the CLI."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def send_templated(recipient: str, template: str, subject: str, *, kind: str,
                   edition_id: int | None = None, dedupe_key: str | None = None, **context) -> None:
    """Queue mail/<template>; ``edition_id``: the week it is about (the purge finds it by that)."""
    if not recipient:
        return
    enqueue(recipient, subject, render_template(f"mail/{template}.txt", **context), kind=kind,
            body_html=render_template(f"mail/{template}.html", **context), dedupe_key=dedupe_key,
            edition_id=edition_id)


def registration_confirmed(registration, *, moved: bool = False) -> None:
    subject = f"{'改约成功' if moved else '报名成功'}：{registration.event.name}（{registration.reference}）"
    send_templated(registration.email, "registration_confirmed", subject,
                   kind="registration.moved" if moved else "registration.confirmed",
                   edition_id=registration.event.edition_id, registration=registration, moved=moved,
                   manage_url=external_url("registration.manage", token=registration.manage_token))


def registration_cancelled(registration) -> None:
    send_templated(registration.email, "registration_cancelled",
                   f"报名已取消：{registration.event.name}（{registration.reference}）",
                   kind="registration.cancelled", edition_id=registration.event.edition_id,
                   registration=registration,
                   events_url=external_url("registration.events"))
