"""collectstatic writes what the proxy serves: hashed names, .br and .gz beside
each compressible file, readable by the proxy's user (README, "Compression")."""

import gzip
import runpy
import stat
from pathlib import Path

import brotli
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

# The production storage as lms/settings/base.py declares it (the test settings
# replace it in the very dict they import, so it is read from the file).
BASE = runpy.run_path(str(Path(__file__).resolve().parents[2] / "lms" / "settings" / "base.py"))


def test_collectstatic_writes_compressed_copies_the_proxy_can_read(tmp_path):
    storages = {**settings.STORAGES, "staticfiles": BASE["STORAGES"]["staticfiles"]}
    assert storages["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        stylesheet = tmp_path / staticfiles_storage.stored_name("css/site.css")
        icon = tmp_path / staticfiles_storage.stored_name("img/favicon.svg")
    assert stylesheet.name != "site.css", "the name carries a hash"
    for path in (stylesheet, icon):
        original = path.read_bytes()
        compressed = path.with_name(path.name + ".br").read_bytes()
        assert brotli.decompress(compressed) == original
        assert len(compressed) < len(original)
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == original
    assert len(stylesheet.with_name(stylesheet.name + ".br").read_bytes()) < 6_000
    font = next((tmp_path / "fonts").glob("noto-sans-khmer-subset.*.woff2"))
    assert not font.with_name(font.name + ".br").exists(), "WOFF2 is compressed already"
    for path in (stylesheet, font):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
