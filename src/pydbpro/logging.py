"""Application logging: one format, the request id on every record, optional file."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from .requestid import current_request_id

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _RequestIdFilter(logging.Filter):
    """The current request's id, unless the record names its own (``extra=``): the access
    line is written after the request's context has gone."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.setdefault("request_id", current_request_id())
        return True


def configure(level: str, file_path: Path | None = None) -> None:
    """Configure the ``pydbpro`` logger once per process; repeated calls only adjust it."""
    # sqlglot warns about every statement it parses as an opaque command; the SQL guard
    # already decides those, so the warning is noise in the application log.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    logger = logging.getLogger("pydbpro")
    logger.setLevel(level)
    logger.propagate = False
    if logger.handlers:
        return
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if file_path is not None:
        file_path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(file_path, maxBytes=20_000_000, backupCount=5)
        )
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(_RequestIdFilter())
        logger.addHandler(handler)
