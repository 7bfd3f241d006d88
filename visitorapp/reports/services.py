"""Report operations: departments enter and submit, organizers set the deadline and titles.

Functions flush only; views and the CLI commit through ``visitorapp.database.atomic``.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..audit.models import log_action
from ..errors import DomainError
from ..extensions import db
from ..programme.models import Department, Edition, Event
from ..timeutil import local
from .models import ActivityReportEntry, DepartmentReport
from .statistics import reporting_departments

ENTRY_FIELDS = ("internal_teachers", "internal_students", "media_national", "media_provincial",
                "media_city", "media_school", "online_views", "links", "highlights", "typical_case")


def may_report_for(user: User, department: Department) -> bool:
    """Organizers and admins see every department; a reporter only their own."""
    if user.has_role(Role.ORGANIZER):
        return True
    return user.role == Role.REPORTER and user.department_id == department.id


#: The plan's 附件1 is due two days after the week (16 May → 18 May) unless an organizer says otherwise.
DEFAULT_DEADLINE_AFTER_WEEK = timedelta(days=2)


def deadline(edition: Edition) -> date:
    """The last day departments may submit (inclusive)."""
    return edition.report_deadline or edition.ends_on + DEFAULT_DEADLINE_AFTER_WEEK


def deadline_passed(edition: Edition, today: date) -> bool:
    """``today`` (Shanghai) is after the last day to submit; the caller reads the calendar."""
    return today > deadline(edition)


def check_open(edition: Edition, user: User, now: datetime) -> None:
    """Reporters write until the deadline (inclusive); organizers may still correct afterwards."""
    if deadline_passed(edition, local(now).date()) and not user.has_role(Role.ORGANIZER):
        raise DomainError("deadline_passed",
                          f"填报已于{deadline(edition).month}月{deadline(edition).day}日截止，"
                          "如需修改请联系宣传统战部。")


def entry_for(event: Event, department: Department) -> ActivityReportEntry | None:
    return db.session.scalar(sa.select(ActivityReportEntry).where(
        ActivityReportEntry.event_id == event.id,
        ActivityReportEntry.department_id == department.id))


def runs(event: Event, department: Department) -> bool:
    """The department leads, runs or hosts (a slot of) the activity: it may enter figures."""
    return (department.id in {d.id for d in event.lead_departments + event.responsible_departments}
            or any(s.hosted_by_id == department.id for s in event.slots if not s.is_rehearsal))


def save_entry(event: Event, department: Department, values: dict, user: User,
               now: datetime) -> ActivityReportEntry:
    """Store what the department entered for one activity it leads, runs or hosts."""
    if not runs(event, department):
        raise DomainError("not_your_activity", "该活动不属于本单位，无法填报。")
    check_open(event.edition, user, now)
    entry = entry_for(event, department)
    before = {k: getattr(entry, k) for k in ENTRY_FIELDS} if entry else None
    if entry is None:
        entry = ActivityReportEntry(event_id=event.id, department_id=department.id)
        db.session.add(entry)
    for key in ENTRY_FIELDS:
        setattr(entry, key, values[key])
    entry.updated_by_id = user.id
    db.session.flush()
    log_action("report.entry", entry, before=before, after={k: values[k] for k in ENTRY_FIELDS[:7]},
               summary=f"{department.name} 填报「{event.name}」")
    return entry


def submission(edition: Edition, department: Department) -> DepartmentReport | None:
    return db.session.scalar(sa.select(DepartmentReport).where(
        DepartmentReport.edition_id == edition.id, DepartmentReport.department_id == department.id))


def submit(edition: Edition, department: Department, user: User,
           now: datetime) -> DepartmentReport:
    """Mark the department's report as handed in at ``now`` (again: the time is updated)."""
    check_open(edition, user, now)
    report = submission(edition, department)
    if report is None:
        report = DepartmentReport(edition_id=edition.id, department_id=department.id)
        db.session.add(report)
    report.submitted_at = now
    report.submitted_by_id = user.id
    db.session.flush()
    log_action("report.submit", report, summary=f"{department.name} 提交{edition.year}年活动情况报表")
    return report


@dataclass
class DepartmentStatus:
    department: Department
    submitted_at: datetime | None


def submission_status(edition: Edition) -> list[DepartmentStatus]:
    """Every department that owes a report, with when it was submitted (None: still missing)."""
    submitted = dict(db.session.execute(
        sa.select(DepartmentReport.department_id, DepartmentReport.submitted_at)
        .where(DepartmentReport.edition_id == edition.id)).all())
    return [DepartmentStatus(d, submitted.get(d.id)) for d in reporting_departments(edition)]


def set_deadline(edition: Edition, deadline: date, accept_late: bool | None = None) -> None:
    """This edition's deadline, and whether texts handed in after theirs are still accepted."""
    before = {"report_deadline": edition.report_deadline,
              "accept_late_submissions": edition.accept_late_submissions}
    edition.report_deadline = deadline
    if accept_late is not None:
        edition.accept_late_submissions = accept_late
    db.session.flush()
    log_action("settings.report_deadline", edition, before=before,
               after={"report_deadline": deadline,
                      "accept_late_submissions": edition.accept_late_submissions},
               summary=f"报表截止日期改为{deadline:%Y-%m-%d}")


def column_titles(edition: Edition) -> dict[str, str]:
    """This edition's overrides of the report's column titles (column key → title)."""
    return dict(edition.report_titles or {})


def set_column_titles(edition: Edition, titles: dict[str, str], defaults: dict[str, str]) -> None:
    """Store the titles that differ from the defaults, for this edition only; a blank or default
    title removes the override."""
    current = column_titles(edition)
    after = {}
    for key, default in defaults.items():
        value = (titles.get(key) or "").strip()
        if value and value != default:
            after[key] = value
    if after != current:
        edition.report_titles = after  # a new dict: the JSON column sees the change
        db.session.flush()
        log_action("settings.report_titles", edition, before=current, after=after,
                   summary=f"修改{edition.year}年报表列标题")
