"""Background tasks of the courses app. Tasks carry ids."""

from uuid import UUID

from django_tasks import task

from . import services


@task()
def reevaluate_course_completions(course_key: str) -> int:
    """Complete the learners a change to the course's lessons has finished."""
    return services.reevaluate_course_completions(UUID(course_key))
