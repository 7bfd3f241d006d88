"""Who scans: a signed-in staff member or a gate device, and which venues they may use."""
from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..extensions import db
from ..programme.models import Venue
from .models import GateDevice


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    device: GateDevice | None = None
    #: The application itself (demo data, maintenance): every venue, recorded as "系统".
    system: bool = False

    @property
    def all_venues(self) -> bool:
        return self.system or (self.user is not None
                               and self.user.role in (Role.ADMIN, Role.ORGANIZER))

    def venue_ids(self) -> set[int] | None:
        """Venues this actor may scan for; None means every venue."""
        if self.device is not None:
            return {self.device.venue_id}
        if self.all_venues:
            return None
        return {v.id for v in self.user.venues} if self.user is not None else set()

    def may_use(self, venue_id: int) -> bool:
        ids = self.venue_ids()
        return ids is None or venue_id in ids

    def venues(self) -> list[Venue]:
        ids = self.venue_ids()
        stmt = sa.select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.id)
        if ids is not None:
            stmt = stmt.where(Venue.id.in_(ids or {-1}))
        return list(db.session.scalars(stmt))

    @property
    def name(self) -> str:
        if self.device is not None:
            return f"设备 {self.device.name}"
        return self.user.display_name or self.user.username if self.user else "系统"
