"""Issue certificates when other apps say something was completed.

``courses.signals.course_completed`` (``enrolment=``) and
``mentoring.signals.pair_completed`` (``pair=``) are sent after commit, at
most once per event (see ``docs/architecture.md``). Issuing is idempotent
anyway, so a repeated signal changes nothing. Certificates sit above both
apps, so they are imported directly.
"""

from __future__ import annotations

from courses.signals import course_completed
from mentoring.signals import pair_completed

from .services import issuing


def on_course_completed(sender, enrolment, **kwargs):
    issuing.issue_for(enrolment)


def on_pair_completed(sender, pair, **kwargs):
    issuing.issue_for_pair(pair)


def connect() -> None:
    """Connect the receivers (from ``CertificatesConfig.ready``)."""
    course_completed.connect(on_course_completed, dispatch_uid="certificates.course_completed")
    pair_completed.connect(on_pair_completed, dispatch_uid="certificates.pair_completed")
