"""Domain signals of the mentoring app (listed in ``docs/architecture.md``).

``pair_completed``
    Sent with ``pair=`` (a :class:`mentoring.models.MentoringPair`) once, after
    the transaction that marked the pair completed has committed. The
    certificates app connects to it to issue certificates of completed
    mentoring. Receivers run outside that transaction; an exception in one
    does not undo the completion.
"""

import django.dispatch

pair_completed = django.dispatch.Signal()
