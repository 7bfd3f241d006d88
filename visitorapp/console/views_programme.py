"""Console pages for the programme: events, slots (single, bulk, close/reopen), venues."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from ..database import atomic
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm
from ..notices import services as notices
from ..programme.models import Department, Event, Slot, Venue
from ..timeutil import at_local, local
from . import bulk, services
from .blueprint import bp, edition_or_404, field_error, organizer_required, save_and_report
from .forms import (
    BulkSlotForm,
    CloseSlotForm,
    EventForm,
    HostForm,
    SlotEditForm,
    SlotForm,
    VenueForm,
)


def _departments():
    return [(d.id, d.name) for d in db.session.scalars(sa.select(Department).order_by(Department.id))]


def _venues(blank: str | None = None):
    choices = [(v.id, f"{v.name}（安全容量{v.safe_occupancy}人）")
               for v in db.session.scalars(sa.select(Venue).order_by(Venue.name))]
    return ([(0, blank)] if blank else []) + choices


def _events(edition):
    return [(e.id, f"{e.seq}. {e.name}") for e in edition.events]


@bp.get("/events")
@organizer_required
def events():
    """活动与场次: the week's events with their slots, venues, and links to bulk generation."""
    edition = edition_or_404()
    names = dict(_departments())
    return render_template("console/events.html", edition=edition, venues=_venue_list(),
                           action=ActionForm(), close=CloseSlotForm(), department_names=names,
                           host_forms={e.id: host_form(e) for e in edition.events if e.slots})


def host_form(event: Event) -> HostForm:
    """Choices: any department or the default rule; all slots, one venue's, or one route's."""
    form = HostForm()
    form.department_id.choices = [(0, "默认（唯一责任单位或场地所属单位）")] + _departments()
    venues = sorted({(s.venue_id, s.venue.name) for s in event.slots if s.venue})
    labels = sorted({s.label for s in event.slots if s.label})
    form.scope.choices = ([("all", "全部场次")] + [(f"venue:{vid}", f"场地：{name}") for vid, name in venues]
                          + [(f"label:{label}", f"路线：{label}") for label in labels])
    return form


@bp.post("/events/<int:event_id>/host")
@organizer_required
def event_host(event_id: int):
    """Set the 接待单位 of an event's slots, all at once or per venue or route label."""
    event = db.get_or_404(Event, event_id)
    form = host_form(event)

    def set_host():  # reads the form once it is valid (the scope is one of its choices)
        kind, _, value = form.scope.data.partition(":")
        return services.set_host(event, db.session.get(Department, form.department_id.data) or None,
                                 venue_id=int(value) if kind == "venue" else None,
                                 label=value if kind == "label" else None)
    save_and_report(form, lambda changed: f"已更新{len(changed)}个场次的接待单位。", set_host)
    return redirect(url_for("console.events", edition=event.edition.year) + f"#event-{event.id}")


def _venue_list():
    return list(db.session.scalars(sa.select(Venue).order_by(Venue.name)))


@bp.route("/events/new", methods=["GET", "POST"])
@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@organizer_required
def event_form(event_id: int | None = None):
    """Create or edit an event (name, theme day, content, audience, mode, category, departments)."""
    edition = edition_or_404()
    event = db.get_or_404(Event, event_id) if event_id else None
    if event is not None:
        edition = event.edition
    form = EventForm(obj=event)
    if event is not None and request.method == "GET":
        form.lead_ids.data = [d.id for d in event.lead_departments]
        form.responsible_ids.data = [d.id for d in event.responsible_departments]
        form.theme_day_id.data = event.theme_day_id or 0
        form.mode.data, form.category.data = event.mode.value, event.category.value
    form.theme_day_id.choices = [(0, "（无）")] + [(t.id, t.name) for t in edition.theme_days]
    form.lead_ids.choices = form.responsible_ids.choices = _departments()
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in services.EVENT_FIELDS}
        values["theme_day_id"] = values["theme_day_id"] or None
        try:
            saved = atomic(services.save_event, edition, event, values,
                           form.lead_ids.data or [], form.responsible_ids.data or [])
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash(f"活动“{saved.name}”已保存。", "success")
            return redirect(url_for("console.events", edition=edition.year))
    return render_template("console/event_form.html", form=form, event=event, edition=edition)


@bp.route("/events/<int:event_id>/slots/new", methods=["GET", "POST"])
@organizer_required
def slot_new(event_id: int):
    """One slot of an event (date, start, end, capacity, venue)."""
    event = db.get_or_404(Event, event_id)
    form = SlotForm(event_id=event.id)
    form.event_id.choices = [(event.id, event.name)]
    form.venue_id.choices = _venues("（不指定场地）")
    if request.method == "GET":
        form.day.data = event.theme_day.day if event.theme_day and event.theme_day.day \
            else event.edition.starts_on
    if form.validate_on_submit():
        venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
        try:
            atomic(services.create_slot, event, venue, at_local(form.day.data, form.starts.data),
                   at_local(form.day.data, form.ends.data), form.capacity.data,
                   form.label.data or "")
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash("场次已新建。", "success")
            return redirect(url_for("console.events", edition=event.edition.year))
    return render_template("console/slot_form.html", form=form, event=event, slot=None)


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@organizer_required
def slot_edit(slot_id: int):
    """Change a slot's capacity (never below the persons booked) and its label."""
    slot = db.get_or_404(Slot, slot_id)
    form = SlotEditForm(obj=slot)
    if form.validate_on_submit():
        try:
            atomic(services.update_slot, slot, form.capacity.data, form.label.data or "")
        except DomainError as exc:
            db.session.refresh(slot)
            field_error(form, exc)
        else:
            flash("场次已保存。", "success")
            return redirect(url_for("console.events", edition=slot.event.edition.year))
    return render_template("console/slot_form.html", form=form, event=slot.event, slot=slot)


@bp.post("/slots/<int:slot_id>/close")
@organizer_required
def slot_close(slot_id: int):
    """Stop bookings at once (应急预案), with a reason teachers see on the picker; everyone booked
    gets a change notice offering a move or a cancellation."""
    slot = db.get_or_404(Slot, slot_id)
    form = CloseSlotForm()
    save_and_report(form, lambda notice: f"场次 {local(slot.starts_at):%m-%d %H:%M} 已暂停预约，"
                                         f"变更通知已发给已预约的团体和报名者（邮件{notice.mailed}封）。",
                    notices.close_slot, slot, form.reason.data)
    return redirect(url_for("console.events", edition=slot.event.edition.year))


@bp.post("/slots/<int:slot_id>/reopen")
@organizer_required
def slot_reopen(slot_id: int):
    """Take bookings again."""
    slot = db.get_or_404(Slot, slot_id)
    if ActionForm().validate_on_submit():
        atomic(services.reopen_slot, slot)
        flash("场次已恢复预约。", "success")
    return redirect(url_for("console.events", edition=slot.event.edition.year))


@bp.route("/slots/bulk", methods=["GET", "POST"])
@organizer_required
def slots_bulk():
    """批量生成场次: preview the slots first, then create them all (or none if any overlaps)."""
    edition = edition_or_404()
    form = BulkSlotForm()
    form.event_id.choices = _events(edition)
    form.venue_id.choices = _venues()
    form.days.choices = [(d.isoformat(), f"{d.month}月{d.day}日") for d in edition.days()]
    planned = None
    if form.validate_on_submit():
        req = _bulk_request(form)
        try:
            if request.form.get("create") and req is not None:
                slots = atomic(bulk.generate, req)
                flash(f"已生成{len(slots)}个场次。", "success")
                return redirect(url_for("console.events", edition=edition.year))
            planned = bulk.plan(req) if req is not None else None
        except DomainError as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("console/slots_bulk.html", form=form, edition=edition,
                           planned=planned)


def _bulk_request(form: BulkSlotForm) -> bulk.BulkRequest | None:
    from datetime import date
    event, venue = db.session.get(Event, form.event_id.data), db.session.get(Venue, form.venue_id.data)
    if event is None or venue is None:
        flash("请选择活动和场地。", "error")
        return None
    return bulk.BulkRequest(event=event, venue=venue,
                            days=[date.fromisoformat(d) for d in form.days.data],
                            first_start=form.first_start.data, minutes=form.minutes.data,
                            gap=form.gap.data, count=form.count.data,
                            capacity=form.capacity.data, label=form.label.data or "")


@bp.get("/venues")
@organizer_required
def venues():
    """基地 / 场馆: name, building, host department, safe occupancy."""
    return render_template("console/venues.html", venues=_venue_list())


@bp.route("/venues/new", methods=["GET", "POST"])
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@organizer_required
def venue_form(venue_id: int | None = None):
    """Create or edit a venue."""
    venue = db.get_or_404(Venue, venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    form.host_department_id.choices = [(0, "（无）")] + _departments()
    if request.method == "GET" and venue is not None:
        form.host_department_id.data = venue.host_department_id or 0
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in services.VENUE_FIELDS}
        values["host_department_id"] = values["host_department_id"] or None
        values["building"] = values["building"] or ""
        values["visitor_notes"] = values["visitor_notes"] or ""
        try:
            saved = atomic(services.save_venue, venue, values)
        except DomainError as exc:
            field_error(form, exc)
        else:
            flash(f"场地“{saved.name}”已保存。", "success")
            return redirect(url_for("console.venues"))
    return render_template("console/venue_form.html", form=form, venue=venue)
