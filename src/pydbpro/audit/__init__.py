"""The optional user-activity (audit) log: events, their queue, sinks and the stored table.

Callers never use this package directly: ``pydbpro.activity`` is the one hook.
"""

from .event import Actor, AuditEvent
from .recorder import AuditLog
from .sinks import configured_sinks

__all__ = ["Actor", "AuditEvent", "AuditLog", "configured_sinks"]
