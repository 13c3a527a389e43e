"""What a person left in mentoring: their data export, and what happens when their account goes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import CheckIn, PairFeedback, PlanGoal, SharedResource

if TYPE_CHECKING:
    from accounts.models import User


def export_personal_data(user: User) -> dict:
    return {
        "mentor_in_offers": [
            {"organisation": o.organisation.display_name, "focus_areas": o.focus_areas}
            for o in user.mentoring_offers_as_mentor.select_related("organisation")
        ],
        "check_ins_written": [
            {"pair": c.pair_id, "date": c.date.isoformat(), "covered": c.covered}
            for c in CheckIn.objects.filter(created_by=user).order_by("date")
        ],
        "goals_written": [
            {"pair": g.pair_id, "title": g.title, "target_date": g.target_date}
            for g in PlanGoal.objects.filter(created_by=user).order_by("pk")
        ],
        "resources_shared": [
            {"pair": r.pair_id, "title": r.title, "url": r.url, "file": r.original_name}
            for r in SharedResource.objects.filter(added_by=user).order_by("pk")
        ],
        "feedback_given": [
            {"pair": f.pair_id, "rating": f.rating, "text": f.text}
            for f in PairFeedback.objects.filter(given_by=user).order_by("pk")
        ],
    }


def before_account_deletion(user: User) -> None:
    """Stop listing the person as a mentor. What they wrote in a pair stays with
    the pair (its author shown as a former member)."""
    for offer in user.mentoring_offers_as_mentor.all():
        offer.mentors.remove(user)
