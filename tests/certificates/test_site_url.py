"""`make run PORT=…` serves links, PDFs and QR codes that point at the port served."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_points_every_link_at_it():
    """The seeded certificates and the server both get SITE_URL on the port served."""
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8101"],  # noqa: S607 - a dry run of our own Makefile
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    ).stdout.splitlines()
    for command in ("seed_demo", "runserver 127.0.0.1:8101"):
        line = next(line for line in plan if command in line)
        assert shlex.split(line)[0] == "SITE_URL=http://127.0.0.1:8101", line
    # And that is the address certificates are sealed with.
    url = subprocess.run(  # noqa: S603 - our interpreter
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from certificates.services import links; "
            "print(links.issuer_url())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "SITE_URL": "http://127.0.0.1:8101",
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        },
    ).stdout.strip()
    assert url == "http://127.0.0.1:8101/verify/issuer.json"
