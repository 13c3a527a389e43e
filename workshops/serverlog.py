"""What the ASGI server logs about a room's clients.

Uvicorn answers a text frame that is not valid UTF-8 correctly (it closes
the connection with 1007, as RFC 6455 asks) but logs it as an error with a
traceback. That is a client's mistake, not the server's: left alone, any
client could fill the error log, and real failures would drown in it. The
filter keeps the line, at INFO, without the traceback.
"""

from __future__ import annotations

import logging

CLIENT_MISTAKES = ("Invalid UTF-8 sequence received from client.",)


class ClientMistakesAreNotServerErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in CLIENT_MISTAKES:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
        return True


def install() -> None:
    """Attach the filter to Uvicorn's server logger (harmless under Daphne)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, ClientMistakesAreNotServerErrors) for f in logger.filters):
        logger.addFilter(ClientMistakesAreNotServerErrors())
