"""How a group arrives (步行/校车/大巴/自驾), its vehicles' plates, and the entrances' daily counters."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..booking.models import Booking
from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class ArrivalMode(enum.StrEnum):
    """到校方式"""

    WALK = "walk"
    SCHOOL_BUS = "school_bus"
    COACH = "coach"
    CAR = "car"

    @property
    def label(self) -> str:
        return ARRIVAL_LABELS[self.value]

    @property
    def has_vehicles(self) -> bool:
        return self != ArrivalMode.WALK


ARRIVAL_LABELS = {"walk": "步行", "school_bus": "校车", "coach": "大巴", "car": "自驾"}

#: Entrances when an edition's settings name none.
DEFAULT_ENTRANCES = ("东门", "北门")


class VehicleSettings(db.Model):
    """An edition's vehicle settings (保卫处 and the campus-opening plan): its entrances for
    vehicles and how many vehicles each may admit per day."""

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"),
                                            primary_key=True)
    #: One entrance per line, in the order the form offers them.
    entrances: Mapped[str] = mapped_column(sa.Text, default="\n".join(DEFAULT_ENTRANCES))
    #: Vehicles one entrance admits per day; None: no limit.
    daily_limit: Mapped[int | None] = mapped_column(default=30)

    @property
    def entrance_list(self) -> list[str]:
        return [line.strip() for line in self.entrances.splitlines() if line.strip()]


class Transport(db.Model):
    """车辆信息 of one group booking: how it arrives, by which entrance, how many vehicles.

    ``vehicles`` is held against the entrance's daily counter (EntranceDay) by
    ``vehicles.services``, in the booking's transaction, while the booking holds places.
    """

    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id", ondelete="CASCADE"),
                                            primary_key=True)
    mode: Mapped[ArrivalMode] = mapped_column(
        sa.Enum(ArrivalMode, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]), default=ArrivalMode.WALK)
    entrance: Mapped[str] = mapped_column(sa.String(30), default="")
    vehicles: Mapped[int] = mapped_column(default=0)
    #: The counter the vehicles are held on (the slot's local day when they were taken), so a
    #: release gives them back where they were taken even if the slot changed since.
    held_day: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    booking: Mapped[Booking] = relationship()
    plates: Mapped[list["Vehicle"]] = relationship(
        order_by="Vehicle.position", cascade="all, delete-orphan", back_populates="transport")

    __table_args__ = (sa.CheckConstraint("vehicles >= 0", name="vehicles_not_negative"),)

    @property
    def plate_list(self) -> list[str]:
        return [v.plate for v in self.plates]

    @property
    def summary(self) -> str:
        """大巴 2辆：湘A12345、湘AD12345 — what the gate and the lists show."""
        if not self.mode.has_vehicles:
            return self.mode.label
        plates = "、".join(self.plate_list)
        missing = self.vehicles - len(self.plate_list)
        tail = f"（{missing}辆车牌待补充）" if missing > 0 else ""
        return f"{self.mode.label} {self.vehicles}辆{'：' + plates if plates else ''}{tail}"


class Vehicle(db.Model):
    """One vehicle's plate (normalised, validated by ``vehicles.plates``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transport.booking_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    plate: Mapped[str] = mapped_column(sa.String(10))

    transport: Mapped[Transport] = relationship(back_populates="plates")


class EntranceDay(db.Model):
    """Vehicles expected at one entrance on one day, held against the edition's daily limit with
    conditional UPDATEs (like the campus day's persons)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    entrance: Mapped[str] = mapped_column(sa.String(30))
    day: Mapped[date]
    vehicles: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "entrance", "day", name="uq_entrance_day"),
        sa.CheckConstraint("vehicles >= 0", name="vehicles_not_negative"),
    )
