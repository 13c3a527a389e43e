"""The course page lists the course's upcoming live workshops to those who may join."""

import pytest

from courses.factories import EnrolmentFactory
from workshops.factories import WorkshopFactory
from workshops.models import Workshop


@pytest.mark.django_db
def test_enrolled_learner_sees_the_course_workshop(client, user, course):
    """A workshop for the course's learners appears on the course page for an enrolled learner,
    and not for someone who is not enrolled."""
    WorkshopFactory(
        title_en="Ask the trainer: documenting safely",
        title_km="សួរគ្រូបង្គោល៖ ការចងក្រងឯកសារដោយសុវត្ថិភាព",
        audience=Workshop.Audience.COURSE,
        course=course,
    )
    url = course.get_url()

    outsider = client.get(url).content.decode()
    assert "ការចងក្រងឯកសារដោយសុវត្ថិភាព" not in outsider

    EnrolmentFactory(user=user, course=course)
    client.force_login(user)
    content = client.get(url).content.decode()
    assert "ការចងក្រងឯកសារដោយសុវត្ថិភាព" in content
