"""What group bookings need of this feature: the form's 车辆信息 fields (``booking.views``) and
the same details taken as JSON (``booking.api``), both recorded by ``book``."""
from .forms import TransportForm
from .models import Transport
from .services import TransportDetails, VehicleError, book, settings_for

__all__ = ["TransportForm", "VehicleError", "book", "details_from_json", "transport_form",
           "transport_json", "validate_both"]


def transport_form(edition) -> TransportForm:
    """The 车辆信息 fields; CSRF is checked once, by the booking form they are posted with."""
    return TransportForm(meta={"csrf": False}).with_entrances(settings_for(edition).entrance_list)


def validate_both(form, transport: TransportForm) -> bool:
    """Both forms validated on a POST (all field errors shown in one round trip)."""
    if not form.is_submitted():
        return False
    ok = form.validate_on_submit()
    return transport.validate() and ok


def details_from_json(payload: dict) -> TransportDetails | None:
    """The API's ``arrival``, ``vehicle_count``, ``plates`` and ``entrance`` (already of the
    documented types), or None when none was given. The rules (plates, count, entrance, the
    daily limit) are the service's, as for the form; here only what JSON makes ambiguous."""
    arrival = payload.get("arrival")
    count, plates = payload.get("vehicle_count"), payload.get("plates") or []
    if arrival is None:
        if count is not None or plates:
            raise VehicleError("arrival_required", "填写了车辆，请同时填写到校方式（arrival："
                                                   "school_bus 校车、coach 大巴、car 自驾）。",
                               field="arrival")
        return None
    if arrival == "walk" and (count or plates):
        # The form hides these fields for 步行; a program sending both means something else.
        raise VehicleError("walk_with_vehicles", "到校方式为步行时不需要填写车辆数和车牌。",
                           field="arrival")
    return TransportDetails(mode=arrival, vehicles=int(count or 0), plates=list(plates),
                            entrance=payload.get("entrance") or "")


def transport_json(transport: Transport) -> dict:
    """车辆信息 as the API answers it."""
    return {"arrival": transport.mode.value, "arrival_label": transport.mode.label,
            "vehicle_count": transport.vehicles, "plates": transport.plate_list,
            "entrance": transport.entrance, "summary": transport.summary}
