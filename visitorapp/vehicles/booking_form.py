"""What the group booking form needs of this feature (imported by ``booking.views``)."""
from .forms import TransportForm
from .services import VehicleError, book, settings_for

__all__ = ["TransportForm", "VehicleError", "book", "transport_form", "validate_both"]


def transport_form(edition) -> TransportForm:
    """The 车辆信息 fields; CSRF is checked once, by the booking form they are posted with."""
    return TransportForm(meta={"csrf": False}).with_entrances(settings_for(edition).entrance_list)


def validate_both(form, transport: TransportForm) -> bool:
    """Both forms validated on a POST (all field errors shown in one round trip)."""
    if not form.is_submitted():
        return False
    ok = form.validate_on_submit()
    return transport.validate() and ok
