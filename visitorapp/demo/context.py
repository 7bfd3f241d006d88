"""What demo steps share: the two editions, the moment of seeding and lines to print at the end."""
from dataclasses import dataclass, field
from datetime import date, datetime

from ..programme.models import Edition
from ..timeutil import local


@dataclass
class DemoContext:
    #: the moment `flask seed-demo` runs (`make run` is started); steps never read the clock
    now: datetime
    #: the 2026 edition exactly as planned (a past week once May 2026 is over)
    past: Edition | None = None
    #: its copy for the next week that can still be booked, open for booking from today
    upcoming: Edition | None = None
    #: printed after seeding (e.g. the demo accounts)
    messages: list[str] = field(default_factory=list)

    @property
    def today(self) -> date:
        """``now``'s date in Asia/Shanghai."""
        return local(self.now).date()
