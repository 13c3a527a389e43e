"""Workshop figures per host and course equal a count made workshop by workshop, with and
without people chosen."""

from collections import defaultdict

import pytest

from accounts.models import Membership
from reports import queries
from reports.filters import ReportFilters
from tests.reports.conftest import pp
from workshops.models import Attendance, Registration, Workshop

START, END = pp(2025, 1, 1).date(), pp(2025, 3, 31).date()


def _truth(filters: ReportFilters) -> dict:
    """Figures per host, counted in Python from the source tables."""
    members = None
    if filters.narrows_people:
        memberships = Membership.objects.all()
        if filters.province:
            memberships = memberships.filter(organisation__province=filters.province)
        members = set(memberships.values_list("user_id", flat=True))

    def counted(user_id) -> bool:
        return members is None or user_id in members

    hosts: dict = defaultdict(
        lambda: dict.fromkeys(
            ("scheduled", "held", "registered", "attended", "registered_attended", "minutes"), 0
        )
    )
    for workshop in Workshop.objects.filter(
        starts_at__gte=filters.since, starts_at__lt=filters.until
    ):
        attendance = [a for a in Attendance.objects.filter(workshop=workshop) if counted(a.user_id)]
        if members is not None and not attendance:
            continue
        attended = {a.user_id for a in attendance if a.attended}
        registered = [
            r.user_id for r in Registration.objects.filter(workshop=workshop) if counted(r.user_id)
        ]
        figures = hosts[workshop.host_id]
        figures["scheduled"] += 1
        figures["held"] += workshop.started_at is not None
        figures["registered"] += len(registered)
        figures["attended"] += len(attended)
        figures["registered_attended"] += sum(1 for user in registered if user in attended)
        figures["minutes"] += sum(a.minutes for a in attendance)
    return dict(hosts)


@pytest.mark.parametrize("province", ["", "12", "03"])
def test_figures_per_host_are_each_workshops_counts_added_up(world, province):
    filters = ReportFilters(start=START, end=END, province=province)
    hosts = {
        row.pop("host_id"): {k: v for k, v in row.items() if k != "host__display_name"}
        for row in queries.workshop_figures(filters)["hosts"]
    }
    truth = _truth(filters)
    assert hosts == truth
    assert truth and any(figures["registered_attended"] for figures in truth.values())
