"""Domain signals of the courses app (see ``docs/courses.md``).

``course_completed``
    Sent with ``sender=Enrolment`` and ``enrolment=<Enrolment>`` after the
    transaction that first records a learner's completion of a course has
    committed. It is sent exactly once per enrolment, however many requests
    or processes evaluate completion at the same time. Receivers run after
    commit, so a failing receiver cannot undo the completion; receivers that
    do slow work (rendering a certificate) should enqueue a task.
"""

import django.dispatch

course_completed = django.dispatch.Signal()
