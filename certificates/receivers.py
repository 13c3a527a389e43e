"""Issue certificates when other apps say something was completed.

``courses.signals.course_completed`` (``enrolment=``) and
``mentoring.signals.pair_completed`` (``pair=``) are sent after commit, at
most once per event (see ``docs/architecture.md``). Issuing is idempotent
anyway, so a repeated signal changes nothing.
"""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.util import find_spec

from . import services

logger = logging.getLogger(__name__)


def on_course_completed(sender, enrolment, **kwargs):
    services.issue_for(enrolment)


def on_pair_completed(sender, pair, **kwargs):
    services.issue_for_pair(pair)


def _signal(module: str, name: str):
    if find_spec(module) is None:
        return None
    return getattr(import_module(module), name, None)


def connect() -> list[str]:
    """Connect to the signals that exist; returns their names (for the system check)."""
    connected = []
    for module, name, receiver in (
        ("courses.signals", "course_completed", on_course_completed),
        ("mentoring.signals", "pair_completed", on_pair_completed),
    ):
        signal = _signal(module, name)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"certificates.{name}")
            connected.append(f"{module}.{name}")
    return connected
