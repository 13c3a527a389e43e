"""Redis killed: pages keep working, /healthz says what is down, all comes back.

The cache and the channel layer point at a real ``redis-server`` this test
starts on its own port, kills with SIGKILL and starts again (empty).
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from courses import factories
from tests.support.redis_server import redis_server, resilient_cache


@pytest.fixture
def redis(settings):
    with redis_server() as server:
        settings.CACHES = resilient_cache(server, "outage")
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [server.url], "prefix": "outage"},
            }
        }
        yield server


def _forget_outage():
    """The cache skips Redis for a moment after a failure; a test need not wait it out."""
    from lms import cache as resilient

    resilient._down_until.clear()


@pytest.mark.django_db
def test_pages_work_and_healthz_names_the_layer_while_redis_is_down(client, user, redis):
    catalogue = factories.catalogue_page("km")
    factories.course_page(catalogue, title="First course", slug="first")
    assert client.get("/km/courses/").status_code == 200
    assert client.get("/km/courses/")["X-Catalogue-Cache"] == "hit"
    assert client.get("/healthz").status_code == 200

    redis.kill()
    anonymous = client.get("/km/courses/")
    assert anonymous.status_code == 200
    assert anonymous.get("X-Catalogue-Cache") is None  # rendered from the database
    assert "First course" in anonymous.content.decode()
    assert client.get("/").status_code in (200, 302)
    assert client.get(reverse("account_login")).status_code == 200

    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "error"
    assert set(body["down"]) == {"cache", "channel_layer"}
    assert body["checks"]["database"] == "ok"
    assert "Connection" in body["checks"]["channel_layer"]

    client.force_login(user)
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert user.display_name in dashboard.content.decode()
    assert client.get("/healthz").status_code == 503  # with a session cookie too

    redis.start()
    _forget_outage()
    assert client.get("/healthz").status_code == 200
    client.logout()
    client.get("/km/courses/")
    assert client.get("/km/courses/")["X-Catalogue-Cache"] == "hit"


@pytest.mark.django_db
def test_the_cache_skips_redis_for_a_moment_after_a_failure(redis):
    """An outage costs a request no failed connection per cache call."""
    cache.set("k", "v")
    assert cache.get("k") == "v"
    redis.kill()
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k2", "v") is False
    assert cache.incr("n", 5) == 5
    with pytest.raises(Exception, match="Connection"):
        cache.ping()
    redis.start()
    assert cache.get("k", "skipped") == "skipped"  # still within RETRY_AFTER
    _forget_outage()
    cache.set("k", "again")
    assert cache.get("k") == "again"
