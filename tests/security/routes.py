"""Who may call each route: the one table the security suite reads.

Every endpoint in ``app.url_map`` must appear here (test_route_classification fails otherwise), so a
new route cannot land without someone deciding who may use it. Kinds:

* ``PUBLIC``  — anyone (schools, the public);
* ``TOKEN``   — anyone holding a secret in the URL (management link, ticket token): a wrong or
  tampered token must answer 404, never another group's data;
* ``SIGNED_IN`` — any signed-in staff member, whatever the role;
* ``staff(Role.X, …)`` — only these roles (admin always passes): anonymous → login (401 on the API),
  other roles → 403. The view's ``roles_required`` must declare the same roles.

``URL_ARGS`` fills the path variables when the matrix builds a URL (unknown names get 1 or "x").
"""
from dataclasses import dataclass

from visitorapp.accounts.models import Role

PUBLIC = "public"
TOKEN = "token"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Staff:
    roles: frozenset
    #: True: the view declares the same roles with ``roles_required`` (checked by a test).
    #: False: a guard of its own decides (e.g. the check-in API: device token or staff session).
    declared: bool = True

    def allows(self, role: Role) -> bool:
        return role == Role.ADMIN or role in self.roles


def staff(*roles: Role) -> Staff:
    """Staff pages: ``roles_required(*roles)``; an empty list means admins only."""
    return Staff(frozenset(roles))


def api_staff(*roles: Role) -> Staff:
    """API routes guarded by their own decorator (staff session or device token): anonymous 401."""
    return Staff(frozenset(roles), declared=False)


ACCESS = {
    "static": PUBLIC,
    # programme
    "programme.index": PUBLIC,
    # booking (public form + the teacher's management link)
    "booking.slots": PUBLIC,
    "booking.new": PUBLIC,
    "booking.privacy": PUBLIC,
    "favicon": PUBLIC,
    "booking.confirmation": TOKEN,
    "booking.manage": TOKEN,
    "booking.change_headcount": TOKEN,
    "booking.cancel": TOKEN,
    "booking_api.slots": PUBLIC,
    "booking_api.create_booking": PUBLIC,
    "booking.move": TOKEN,
    "registration.move": TOKEN,
    # change notices (organizers send; a group moves from a closed slot through its link)
    "notices.index": staff(Role.ORGANIZER),
    "notices.move": TOKEN,
    "notices.move_registration": TOKEN,
    # vehicles (车辆信息): the group's link, 保卫处's lists, the organizers' settings
    "vehicles.update": TOKEN,
    "vehicles.day_list": staff(Role.SECURITY, Role.ORGANIZER),
    "vehicles.day_list_xlsx": staff(Role.SECURITY, Role.ORGANIZER),
    "vehicles.settings": staff(Role.ORGANIZER),
    # the parents' letter (家长告知书): printed through the group's link, template by organizers
    "letters.letter": TOKEN,
    "letters.template": staff(Role.ORGANIZER),
    "letters.reset": staff(Role.ORGANIZER),
    # the programme poster (宣传海报)
    "share.poster": PUBLIC,
    # tickets (the ticket token is the secret)
    "tickets.ticket": TOKEN,
    "tickets.ticket_png": TOKEN,
    "tickets.ticket_svg": TOKEN,
    "tickets.service_worker": PUBLIC,
    # accounts and audit (admins only)
    "accounts.login": PUBLIC,
    "accounts.logout": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.users": staff(),
    "accounts.user_edit": staff(),
    "accounts.user_password": staff(),
    "accounts.user_active": staff(),
    "audit.entries": staff(),
    # api + ops
    "api.openapi": PUBLIC,
    "ops.healthz": PUBLIC,
    # check-in
    "checkin.gate": staff(Role.GATE, Role.ORGANIZER),
    "checkin.everyone_out": staff(Role.GATE, Role.ORGANIZER),
    "checkin.manifest": PUBLIC,
    "checkin.service_worker": PUBLIC,
    "checkin.conflicts": staff(Role.ORGANIZER),
    "checkin.devices": staff(Role.ORGANIZER),
    "checkin.revoke": staff(Role.ORGANIZER),
    "checkin_api.create": api_staff(Role.GATE, Role.ORGANIZER),
    "checkin_api.numbers": api_staff(Role.GATE, Role.ORGANIZER),
    "checkin_api.search": api_staff(Role.GATE, Role.ORGANIZER),
    "checkin_api.summary_view": api_staff(Role.GATE, Role.ORGANIZER),
    "checkin_api.tickets": api_staff(Role.GATE, Role.ORGANIZER),
    # console (organizers)
    "console.dashboard": staff(Role.ORGANIZER),
    "console.dashboard_json": staff(Role.ORGANIZER),
    "console.dashboard_panel": staff(Role.ORGANIZER),
    "console.bookings": staff(Role.ORGANIZER),
    "console.booking_detail": staff(Role.ORGANIZER),
    "console.booking_details": staff(Role.ORGANIZER),
    "console.booking_headcount": staff(Role.ORGANIZER),
    "console.booking_arrival": staff(Role.ORGANIZER),
    "console.event_host": staff(Role.ORGANIZER),
    "console.booking_cancel": staff(Role.ORGANIZER),
    "console.booking_approve": staff(Role.ORGANIZER),
    "console.booking_reject": staff(Role.ORGANIZER),
    "console.booking_resend": staff(Role.ORGANIZER),
    "console.edition_copy": staff(Role.ORGANIZER),
    "console.events": staff(Role.ORGANIZER),
    "console.event_form": staff(Role.ORGANIZER),
    "console.settings": staff(Role.ORGANIZER),
    "console.slot_new": staff(Role.ORGANIZER),
    "console.slot_edit": staff(Role.ORGANIZER),
    "console.slot_close": staff(Role.ORGANIZER),
    "console.slot_reopen": staff(Role.ORGANIZER),
    "console.slots_bulk": staff(Role.ORGANIZER),
    "console.theme_day_update": staff(Role.ORGANIZER),
    "console.venues": staff(Role.ORGANIZER),
    "console.venue_form": staff(Role.ORGANIZER),
    # outbox (organizers)
    "outbox.messages": staff(Role.ORGANIZER),
    "outbox.message": staff(Role.ORGANIZER),
    "outbox.message_html": staff(Role.ORGANIZER),
    "outbox.attachment": staff(Role.ORGANIZER),
    "outbox.resend_message": staff(Role.ORGANIZER),
    "outbox.send_now": staff(Role.ORGANIZER),
    # individual registration
    "registration.events": PUBLIC,
    "registration.new": PUBLIC,
    "registration.manage": TOKEN,
    "registration.cancel": TOKEN,
    "registration_api.slots": PUBLIC,
    "registration_staff.index": staff(Role.ORGANIZER),
    "registration_staff.event": staff(Role.ORGANIZER),
    "registration_staff.file": staff(Role.ORGANIZER),
    "registration_staff.delete_question": staff(Role.ORGANIZER),
    "registration_staff.resend": staff(Role.ORGANIZER),
    # submissions (reporters for their department, organizers for all)
    "submissions.department_home": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.department": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.start": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.edit": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.image": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.delete_image": staff(Role.ORGANIZER, Role.REPORTER),
    "submissions.overview": staff(Role.ORGANIZER),
    "submissions.export": staff(Role.ORGANIZER),
    # reports: exports, roster and the statistics report (reporters: their own department)
    "reports.college": staff(Role.ORGANIZER),
    "reports.college_xlsx": staff(Role.ORGANIZER),
    "reports.department": staff(Role.ORGANIZER, Role.REPORTER),
    "reports.department_home": staff(Role.ORGANIZER, Role.REPORTER),
    "reports.entry": staff(Role.ORGANIZER, Role.REPORTER),
    "reports.export_file": staff(Role.ORGANIZER),
    "reports.exports_page": staff(Role.ORGANIZER),
    "reports.roster_file": staff(Role.ORGANIZER),
    "reports.roster_page": staff(Role.ORGANIZER),
    "reports.settings": staff(Role.ORGANIZER),
    "reports.submit": staff(Role.ORGANIZER, Role.REPORTER),
    # 找回预约/报名 (answers the same for everyone; the links go by e-mail)
    "recovery.request_links": PUBLIC,
    "recovery.sent": PUBLIC,
    # waiting lists
    "waitlist.join_group": PUBLIC,
    "waitlist.join_individual": PUBLIC,
    "waitlist.entry": TOKEN,
    "waitlist.accept": TOKEN,
    "waitlist.leave": TOKEN,
    "waitlist.queue": staff(Role.ORGANIZER),
    "booking_staff.no_shows": staff(Role.ORGANIZER),
    "booking_staff.no_show_rule": staff(Role.ORGANIZER),
}

#: Roles the matrix signs in as (plus anonymous).
ROLES = (Role.ADMIN, Role.ORGANIZER, Role.REPORTER, Role.GATE)


def url_args(world) -> dict:
    """Path values that point at real rows of the test world (see conftest.world)."""
    return {"slot_id": world.slot.id, "token": world.booking.manage_token,
            "booking_id": world.booking.id, "filename": "css/app.css"}


#: Per-endpoint overrides of ``url_args`` (e.g. a ticket route whose <token> is the ticket token).
def _ticket(world) -> dict:
    from visitorapp.tickets.tokens import token_for
    return {"token": token_for(world.booking)}


ENDPOINT_ARGS: dict = {
    "tickets.ticket": _ticket, "tickets.ticket_png": _ticket, "tickets.ticket_svg": _ticket,
}


def draft_entries(app) -> list[str]:
    """ACCESS lines for endpoints not yet in the table, drafted from each view's roles_required.

    A route without roles_required is drafted as PUBLIC with a TODO: a person decides whether it is
    public, token-protected or should be guarded. ``python -m tests.security.routes`` prints them.
    """
    lines = []
    for endpoint in sorted(set(app.view_functions) - ACCESS.keys()):
        roles = getattr(app.view_functions[endpoint], "required_roles", None)
        rules = ", ".join(sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint))
        if roles is None:
            lines.append(f'    "{endpoint}": PUBLIC,  # TODO PUBLIC or TOKEN? {rules}')
        else:
            args = ", ".join(f"Role.{Role(r).name}" for r in roles)
            lines.append(f'    "{endpoint}": staff({args}),  # {rules}')
    return lines


if __name__ == "__main__":
    from visitorapp import create_app
    print("\n".join(draft_entries(create_app({"TESTING": True, "SECRET_KEY": "draft",
                                              "SQLALCHEMY_DATABASE_URI": "sqlite://"}))) or "all classified")
