"""补录到场: after the day, an organizer records who came from the paper sign-in list; 附件1's
实到 and the no-show rule follow, because it goes through the gate's own operation."""
import sqlalchemy as sa

from tests.factories import create_user
from tests.reports.test_attribution import at, week  # noqa: F401 - the fixture
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.booking.noshows import no_show_ids
from visitorapp.checkin import counts
from visitorapp.extensions import db
from visitorapp.reports import statistics
from visitorapp.timeutil import utcnow


def _report():
    from visitorapp.programme.models import Edition
    edition = db.session.scalar(sa.select(Edition).where(Edition.year == 2031))
    return statistics.college_report(edition, utcnow()).total


def test_a_no_show_on_paper_becomes_an_arrival_everywhere(client, login, week):  # noqa: F811
    no_show = week["bookings"][4]  # 攸县第一中学: 10 students, 1 teacher, never scanned
    before = _report()
    assert no_show.id in no_show_ids([no_show.id], utcnow())
    login(create_user())
    page = client.get(f"/console/bookings/{no_show.id}").get_data(as_text=True)
    assert "补录到场" in page
    response = client.post(f"/console/bookings/{no_show.id}/arrival",
                           data={"students": 9, "teachers": 1, "note": "纸质签到表，经办人李老师"})
    assert response.status_code == 302
    after = _report()
    assert after.arrived == before.arrived + 10 and after.no_show == before.no_show - 11
    assert no_show.id not in no_show_ids([no_show.id], utcnow())
    presence = counts.ticket_presence(booking_ids=[no_show.id])[("booking", no_show.id)]
    assert (presence.arrived, presence.inside) == (10, 0)  # in and out: nobody left on site
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "checkin.manual_arrival"))
    assert entry is not None and "纸质签到表" in entry.summary
    page = client.get(f"/console/bookings/{no_show.id}").get_data(as_text=True)
    assert "实到 <strong>10</strong>" in page


def test_paper_numbers_complete_a_partly_scanned_group(client, login, week):  # noqa: F811
    b2 = week["bookings"][1]  # 27 pupils and 3 teachers scanned; the list says 29 pupils came
    login(create_user())
    client.post(f"/console/bookings/{b2.id}/arrival",
                data={"students": 29, "teachers": 3, "note": "签到表"})
    arr = counts.arrivals()
    came = db.session.execute(sa.select(arr.c.students, arr.c.teachers)
                              .where(arr.c.booking_id == b2.id)).one()
    assert tuple(came) == (29, 3)


def test_only_organizers_after_the_slot_with_a_reason(client, login, week, time_machine):  # noqa: F811
    no_show = week["bookings"][4]
    login(create_user(Role.GATE))
    assert client.post(f"/console/bookings/{no_show.id}/arrival",
                       data={"students": 9, "teachers": 1, "note": "x"}).status_code == 403
    login(create_user())
    missing = client.post(f"/console/bookings/{no_show.id}/arrival",
                          data={"students": 9, "teachers": 1, "note": ""})
    assert missing.status_code == 422 and "补录依据" in missing.get_data(as_text=True)
    time_machine.move_to(at(14, 30), tick=False)  # the afternoon slot is still running
    early = client.post(f"/console/bookings/{no_show.id}/arrival",
                        data={"students": 9, "teachers": 1, "note": "签到表"})
    assert early.status_code == 422 and "场次尚未结束" in early.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "checkin.manual_arrival")) is None
