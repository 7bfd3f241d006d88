"""Public programme pages: the week by day."""
from flask import Blueprint, render_template

from ..timeutil import utcnow
from . import services

bp = Blueprint("programme", __name__)


@bp.get("/")
def index():
    """The programme of the week the public books now (services.booking_edition), by theme day,
    with a call to book the skills-experience day."""
    edition = services.booking_edition(utcnow())
    events = services.published_events(edition) if edition else []
    # Every theme day in the plan's order, even before its events are published.
    by_day = {day: [] for day in (edition.theme_days if edition else [])}
    for event in events:
        by_day.setdefault(event.theme_day, []).append(event)
    days = sorted(by_day.items(), key=lambda kv: kv[0].position if kv[0] else 1_000_000)
    return render_template("programme/index.html", edition=edition, days=days,
                           group_days=services.first_slot_days(edition) if edition else {})


def init_app(app):
    app.register_blueprint(bp)
