"""Settings for bench/workshop_fanout.py's server processes (in a folder, so that
``make bench``, which runs every ``bench/*.py``, does not run it).

The safe base settings (DEBUG off) with what production changes for the
room: persistent database connections, and the channel layer chosen per run.
"""

import os

from lms.settings.base import *  # noqa: F403

SECRET_KEY = "bench-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

_backend = os.environ["BENCH_CHANNEL_LAYER"]
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _backend,
        "CONFIG": {}
        if "InMemory" in _backend
        else {"hosts": [REDIS_LAYER_HOST], "prefix": "lms-bench"},  # noqa: F405
    }
}
