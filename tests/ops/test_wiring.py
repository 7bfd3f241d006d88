"""Explicit wiring: every feature is imported by name at start-up, so a missing one stops the app
instead of leaving its pages silently absent."""
import sys

import pytest

from visitorapp import create_app


@pytest.mark.parametrize("module", ["visitorapp.waitlist.views", "visitorapp.tickets.views",
                                    "visitorapp.booking.api", "visitorapp.reports.models"])
def test_a_missing_feature_stops_the_app_at_start(app_config, monkeypatch, module):
    # As if the file were not there (imported afresh, not taken from the loaded package).
    for name in (module, "visitorapp.models"):  # visitorapp.models imports every models module
        package, _, attribute = name.rpartition(".")
        monkeypatch.delattr(sys.modules[package], attribute, raising=False)
    monkeypatch.delitem(sys.modules, "visitorapp.models")
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=module):
        create_app(app_config)


def test_each_feature_registers_its_pages_and_commands(app):
    assert {"booking", "booking_api", "booking_staff", "registration", "registration_api",
            "waitlist", "tickets", "checkin", "checkin_api", "console"} <= set(app.blueprints)
    assert app.view_functions["booking.move"].__module__ == "visitorapp.booking.views"
    assert app.view_functions["booking_staff.no_show_rule"].__module__ == "visitorapp.booking.staff"
    assert app.cli.commands["bookings"].commands.keys() >= {"mark-no-shows", "expire-pending"}
    assert "copy" in app.cli.commands["editions"].commands
