"""Every model, imported in one place so that SQLAlchemy and Alembic see the whole schema."""
from .accounts import models as accounts  # noqa: F401
from .audit import models as audit  # noqa: F401
from .booking import models as booking  # noqa: F401
from .checkin import models as checkin  # noqa: F401
from .letters import models as letters  # noqa: F401
from .notices import models as notices  # noqa: F401
from .outbox import models as outbox  # noqa: F401
from .programme import models as programme  # noqa: F401
from .registration import models as registration  # noqa: F401
from .reports import models as reports  # noqa: F401
from .submissions import models as submissions  # noqa: F401
from .vehicles import models as vehicles  # noqa: F401
from .waitlist import models as waitlist  # noqa: F401
