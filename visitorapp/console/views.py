"""Console: the live dashboard, edition settings, theme days, edition copy; registers the rest."""
from datetime import date

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..programme import services as programme
from ..programme.models import ThemeDay
from ..timeutil import local, local_today, utcnow
from ..web import day_arg
from . import live, services, views_bookings, views_programme  # noqa: F401 - registers their routes on bp
from .blueprint import bp, edition_or_404, field_error, organizer_required, save_and_report
from .forms import CopyEditionForm, SettingsForm, ThemeDayForm

#: Seconds between dashboard refreshes (static/js/console-live.js reads it from the page);
#: CONSOLE_REFRESH_SECONDS in the config overrides it.
REFRESH_SECONDS = 10


def _dashboard_day(edition) -> date:
    """``?day=`` if it is a day of the week, else today during the week, else the day most
    people booked (before the week that is the day organizers watch), else its first day."""
    days = edition.days()
    day = day_arg("day")
    if day in days:
        return day
    if local_today() in days:
        return local_today()
    busiest_day, booked = max(live.week_overview(edition), key=lambda row: row[1])
    return busiest_day if booked else days[0]


@bp.get("/")
@organizer_required
def dashboard():
    """实时看板: booked vs capacity, arrived, no-shows, on site now, campus total vs daily cap.
    The panel reloads itself every REFRESH_SECONDS (no reload of the whole page)."""
    edition = edition_or_404()
    day = _dashboard_day(edition)
    return render_template("console/dashboard.html", edition=edition, day=day,
                           figures=live.day_figures(edition, day, utcnow()),
                           week=live.week_overview(edition),
                           refresh=current_app.config.get("CONSOLE_REFRESH_SECONDS", REFRESH_SECONDS),
                           updated=local(utcnow()))


@bp.get("/live/panel")
@organizer_required
def dashboard_panel():
    """The dashboard's figures as an HTML fragment, fetched by console-live.js."""
    edition = edition_or_404()
    day = _dashboard_day(edition)
    return render_template("console/_live_panel.html", edition=edition, day=day,
                           figures=live.day_figures(edition, day, utcnow()),
                           week=live.week_overview(edition), updated=local(utcnow()))


@bp.get("/live.json")
@organizer_required
def dashboard_json():
    """The same figures as JSON (for a wall screen or another tool)."""
    edition = edition_or_404()
    figures = live.day_figures(edition, _dashboard_day(edition), utcnow())
    return jsonify(edition=edition.year, updated=utcnow().isoformat(), **figures.to_dict())


@bp.route("/settings", methods=["GET", "POST"])
@organizer_required
def settings():
    """活动周设置: daily cap, teacher ratios, largest group, booking window, deadlines;
    theme days (order, date) and copying the week for next year."""
    edition = edition_or_404()
    form = SettingsForm(obj=edition)
    if request.method == "GET":
        for key in ("booking_opens_at", "booking_closes_at"):
            value = getattr(edition, key)
            getattr(form, key).data = local(value).replace(tzinfo=None) if value else None
    if form.validate_on_submit():
        try:
            atomic(services.update_settings, edition, form.values())
        except DomainError as exc:
            db.session.refresh(edition)
            field_error(form, exc)
        else:
            flash("活动周设置已保存。", "success")
            return redirect(url_for("console.settings", edition=edition.year))
    copy = CopyEditionForm(year=edition.year + 1,
                           starts_on=programme.shift_for_weekday(edition, edition.year + 1))
    return render_template("console/settings.html", edition=edition, form=form, copy=copy,
                           theme_days=[(t, ThemeDayForm(obj=t, prefix=f"td{t.id}"))
                                       for t in edition.theme_days])


@bp.post("/theme-days/<int:theme_day_id>")
@organizer_required
def theme_day_update(theme_day_id: int):
    """Rename, reorder or re-date one theme day."""
    theme_day = db.get_or_404(ThemeDay, theme_day_id)
    form = ThemeDayForm(prefix=f"td{theme_day.id}")
    save_and_report(form, lambda _: f"主题日“{form.name.data}”已保存。", services.update_theme_day,
                    theme_day, form.position.data, form.name.data, form.day.data)
    return redirect(url_for("console.settings", edition=theme_day.edition.year))


@bp.post("/editions/copy")
@organizer_required
def edition_copy():
    """Next year's week from this one: theme days, events, departments, slots (no bookings)."""
    edition = edition_or_404()
    form = CopyEditionForm()
    new = save_and_report(form, lambda new: f"已复制生成{new.year}年活动周，请检查日期与场次。",
                          services.copy_edition, edition, form.year.data, form.starts_on.data)
    return redirect(url_for("console.settings", edition=new.year if new else edition.year))


def init_app(app):
    from .cli import editions
    app.register_blueprint(bp)
    app.cli.add_command(editions)
