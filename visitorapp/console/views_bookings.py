"""Console pages for bookings: search and filter, detail, changes on a teacher's behalf."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..booking import approval
from ..booking import services as booking_services
from ..booking.forms import HeadcountForm
from ..booking.models import STAGE_LABELS, Booking, BookingStatus
from ..booking.noshows import no_show_ids, slot_ended
from ..checkin import holders, manual
from ..checkin.actors import Actor
from ..checkin.history import gate_record
from ..extensions import db
from ..forms import ActionForm
from ..programme.models import Venue
from ..tickets import services as tickets
from ..timeutil import utcnow
from ..validators import mask_email
from ..web import day_arg, id_arg, page_arg
from . import bookings
from .blueprint import bp, edition_or_404, flash_errors, organizer_required, perform
from .forms import BookingDetailsForm, ManualArrivalForm, RejectForm, StaffCancelForm

STATUS_CHOICES = [("", "全部状态"), ("pending", "待审核"), ("confirmed", "已确认"),
                  ("cancelled", "已取消"), ("no_show", "爽约")]


def _filter_from_args() -> bookings.BookingFilter:
    args = request.args
    status = args.get("status", "")
    stage = args.get("stage", "")
    return bookings.BookingFilter(
        q=args.get("q", "")[:50], day=day_arg("day"), venue_id=id_arg("venue"),
        slot_id=id_arg("slot"),
        status=status if status in dict(STATUS_CHOICES) else "",
        stage=stage if stage in STAGE_LABELS else "")


@bp.get("/bookings", endpoint="bookings")
@organizer_required
def bookings_list():
    """预约管理: search by reference, school or a mobile's last four; filter by day, venue, slot,
    status and stage. Mobiles are masked here."""
    edition = edition_or_404()
    f = _filter_from_args()
    now = utcnow()
    page = db.paginate(bookings.search(edition.id, f, now), page=page_arg(), per_page=50,
                       error_out=False)
    venues = list(db.session.scalars(sa.select(Venue).order_by(Venue.name)))
    return render_template("console/bookings.html", edition=edition, f=f, page=page,
                           venues=venues, statuses=STATUS_CHOICES, stages=STAGE_LABELS,
                           pending=approval.pending_count(edition.id),
                           no_shows=no_show_ids([b.id for b in page.items], now))


@bp.get("/bookings/<int:booking_id>")
@organizer_required
def booking_detail(booking_id: int):
    """One booking in full (the leader's full mobile is shown only here), with staff actions."""
    booking = db.get_or_404(Booking, booking_id)
    return _render_detail(booking)


def _render_detail(booking, details=None, headcount=None, cancel=None, reject=None, arrival=None,
                   status=200):
    now = utcnow()
    gate = gate_record(booking, now)
    return render_template(
        "console/booking_detail.html", booking=booking,
        details=details or BookingDetailsForm(obj=booking, school_stage=booking.school_stage.value),
        headcount=headcount or HeadcountForm(obj=booking),
        cancel=cancel or StaffCancelForm(), reject=reject or RejectForm(), action=ActionForm(),
        arrival=arrival or ManualArrivalForm(students=booking.students, teachers=booking.teachers),
        may_record_arrival=booking.is_active and slot_ended(booking.slot, now),
        statuses=BookingStatus, gate=gate), status


@bp.post("/bookings/<int:booking_id>/arrival")
@organizer_required
def booking_arrival(booking_id: int):
    """补录到场: who came, from the paper sign-in list, once the slot has ended (audited)."""
    booking = db.get_or_404(Booking, booking_id)
    form = ManualArrivalForm()
    if form.validate_on_submit() and perform(
            form, "已补录到场，报表与导出中的实到、爽约随之更新。", manual.record_arrival,
            holders.for_booking(booking), form.students.data, form.teachers.data, form.note.data,
            Actor(user=current_user), now=utcnow(), reload=booking):
        return _back_to(booking)
    return _render_detail(booking, arrival=form, status=422)


@bp.post("/bookings/<int:booking_id>/details")
@organizer_required
def booking_details(booking_id: int):
    """School and leader details changed on the teacher's behalf."""
    booking = db.get_or_404(Booking, booking_id)
    form = BookingDetailsForm()
    if form.validate_on_submit() and perform(
            form, "预约信息已保存。", bookings.update_details, booking,
            {k: (getattr(form, k).data or "") for k in bookings.DETAIL_FIELDS}, reload=booking):
        return _back_to(booking)
    return _render_detail(booking, details=form, status=422)


@bp.post("/bookings/<int:booking_id>/headcount")
@organizer_required
def booking_headcount(booking_id: int):
    """New numbers under the same capacity and ratio rules, past the teachers' deadline too."""
    booking = db.get_or_404(Booking, booking_id)
    form = HeadcountForm()
    students, teachers = form.students.data, form.teachers.data
    if form.validate_on_submit() and perform(
            form, f"人数已修改为{students + teachers}人（学生{students}人、教师{teachers}人），入场码不变。",
            booking_services.change_headcount, booking,
            form.students.data, form.teachers.data, actor=_actor(), enforce_deadline=False,
            review=False, now=utcnow(), reload=booking):
        return _back_to(booking)
    return _render_detail(booking, headcount=form, status=422)


@bp.post("/bookings/<int:booking_id>/cancel")
@organizer_required
def booking_cancel(booking_id: int):
    """Cancel for the school; the leader is told by mail (the outbox listens to the signal)."""
    booking = db.get_or_404(Booking, booking_id)
    form = StaffCancelForm()
    if not form.validate_on_submit():
        flash_errors(form)
    elif perform(form, "预约已取消，名额已释放，并已通知领队教师。", booking_services.cancel_booking,
                 booking, reason=form.reason.data, actor=_actor(), now=utcnow()):
        return _back_to(booking)
    return _render_detail(booking, cancel=form, status=422)


@bp.post("/bookings/<int:booking_id>/approve")
@organizer_required
def booking_approve(booking_id: int):
    """审核通过 a pending booking: its ticket becomes valid and the leader is mailed it."""
    booking = db.get_or_404(Booking, booking_id)
    form = ActionForm()
    if form.validate_on_submit():
        perform(form, "已审核通过，确认函和入场码已发送给领队教师。", approval.confirm, booking,
                now=utcnow(), actor=_actor())
    return _back_to(booking)


@bp.post("/bookings/<int:booking_id>/reject")
@organizer_required
def booking_reject(booking_id: int):
    """审核未通过: the held places are released and the leader is told why."""
    booking = db.get_or_404(Booking, booking_id)
    form = RejectForm()
    if not form.validate_on_submit():
        flash_errors(form)
    elif perform(form, "已标记为审核未通过，名额已释放，并已通知领队教师。", approval.reject, booking,
                 reason=form.reason.data, now=utcnow(), actor=_actor()):
        return _back_to(booking)
    return _render_detail(booking, reject=form, status=422)


@bp.post("/bookings/<int:booking_id>/resend")
@organizer_required
def booking_resend(booking_id: int):
    """重发确认邮件: the confirmation with the ticket again, to the leader's own address (audited)."""
    booking = db.get_or_404(Booking, booking_id)
    form = ActionForm()
    if form.validate_on_submit():
        perform(form, f"确认邮件已重新发送至 {mask_email(booking.email)}。",
                tickets.resend_confirmation, booking)
    return _back_to(booking)


def _back_to(booking):
    return redirect(url_for("console.booking_detail", booking_id=booking.id))


def _actor() -> str:
    from flask_login import current_user
    return current_user.username
