"""What demo steps share: the two editions, today's date and lines to print at the end."""
from dataclasses import dataclass, field
from datetime import date

from ..programme.models import Edition


@dataclass
class DemoContext:
    #: today in Asia/Shanghai (the day `make run` is started)
    today: date
    #: the 2026 edition exactly as planned (a past week once May 2026 is over)
    past: Edition | None = None
    #: its copy for the next May after today, open for booking from today
    upcoming: Edition | None = None
    #: printed after seeding (e.g. the demo accounts)
    messages: list[str] = field(default_factory=list)
