"""/healthz reports the database, the cache and a channel-layer round trip."""

import pytest


@pytest.mark.django_db
def test_healthz_is_200_when_everything_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok"},
        "down": [],
    }


@pytest.mark.django_db
def test_healthz_is_503_naming_a_broken_channel_layer(client, settings):
    """With the channel layer pointing at a closed port, only it is reported down."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
