"""Template helpers: workshop times in Cambodia time."""

from django import template
from django.utils import timezone

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
