"""Whether the explored database's login could write.

PyDBPro stays read-only either way (its statement guard and read-only transactions), but
those are one layer: a login that can write makes them the only one. So the first time
the database answers, PyDBPro asks the adapter once, logs one WARNING when the login can
write, and readiness (``/api/health/ready``) reports it as ``role``.
"""

from __future__ import annotations

import logging

from ..errors import PyDBProError
from .engine import Database
from .models import WriteAccess
from .reading import run_read

log = logging.getLogger(__name__)

#: Seconds the start-up check may take; readiness passes its own, shorter budget.
CHECK_SECONDS = 5.0


async def note_write_access(db: Database, timeout: float = CHECK_SECONDS) -> WriteAccess:
    """The login's write access, checked once; while the database has not answered it is
    UNKNOWN and asked again on the next call."""
    async with db.write_access_lock:
        if db.write_access is WriteAccess.UNKNOWN:
            db.write_access = await _check(db, timeout)
            if db.write_access is WriteAccess.CAN_WRITE:
                log.warning(
                    "the database login can change data (it owns tables, holds write "
                    "privileges or is a superuser). PyDBPro stays read-only, but give it a "
                    "login with SELECT only: the database's grants are the real boundary"
                )
    return db.write_access


async def _check(db: Database, timeout: float) -> WriteAccess:
    try:
        can_write = await run_read(db, db.adapter.can_write, timeout=timeout)
    except PyDBProError as error:  # down, refusing or slow: asked again later
        log.info("could not check the database login's privileges yet: %s", error)
        return WriteAccess.UNKNOWN
    return WriteAccess.CAN_WRITE if can_write else WriteAccess.READ_ONLY
