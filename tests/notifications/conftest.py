"""Notices for people who read in Khmer or English, and a way to run after-commit work."""

import pytest

from accounts.factories import UserFactory


@pytest.fixture
def khmer_reader(db):
    return UserFactory(email="km@example.org", display_name="Sokha", preferred_language="km")


@pytest.fixture
def english_reader(db):
    return UserFactory(email="en@example.org", display_name="Dara", preferred_language="en")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if it committed: its after-commit callbacks (notices, the
    delivery task) run, as they would in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
