"""Template helpers: workshop times in Cambodia time, and the course-page panel."""

from django import template
from django.utils import timezone

from .. import services

register = template.Library()

CAMBODIA = "Asia/Phnom_Penh"


@register.inclusion_tag("workshops/components/when.html")
def workshop_when(workshop):
    """Start and end in Cambodia time; the browser adds the viewer's own zone if it differs."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(CAMBODIA)
    starts = timezone.localtime(workshop.starts_at, zone)
    ends = timezone.localtime(workshop.ends_at, zone)
    return {
        "workshop": workshop,
        "starts": starts,
        "ends": ends,
        "same_day": starts.date() == ends.date(),
    }


@register.inclusion_tag("workshops/components/course_workshops.html", takes_context=True)
def course_workshops(context, course_page, limit=5):
    """Upcoming workshops of a course (in any of its languages) that the viewer may see.

    For the course page template: ``{% load workshops_tags %}{% course_workshops page %}``.
    Two queries, whatever the number of workshops.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    workshops = (
        services.visible_upcoming_for(user, limit=limit, course_page=course_page) if user else []
    )
    return {"workshops": workshops, "request": request, "user": user}
