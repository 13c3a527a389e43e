"""Independent checks of credentials: 1EdTech's schema and Digital Bazaar's verifier.

Neither is ours. The Open Badges 3.0 JSON Schema and context are 1EdTech's
files in ``shared/vendor/ob3/`` beside the repository (``CSOA_OB3_DIR``
overrides where); they are read from there, never copied in. The verifier is
a small Node program in ``tests/verifier/`` on Digital Bazaar's libraries,
pinned by its ``package-lock.json`` and installed by ``.ci/run`` with
``npm ci``. Locally, without them, the tests that need them skip and say
why; in CI (``CI=true``) a missing one fails the run instead.

Registered as a pytest plugin (``tests/conftest.py``), this module also
validates every Open Badges credential the suite signs, in any test.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tests" / "verifier"
OB_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _missing(reason: str):
    """Skip locally; fail in CI, where every independent check must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@functools.cache
def ob3_dir() -> Path | None:
    """``shared/vendor/ob3`` next to this checkout (or one of its parents), or ``CSOA_OB3_DIR``."""
    configured = os.environ.get("CSOA_OB3_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [parent / "shared" / "vendor" / "ob3" for parent in ROOT.parents]
    return next(
        (path for path in candidates if (path / "achievementcredential.json").is_file()), None
    )


@functools.cache
def _validator():
    from jsonschema import Draft201909Validator

    folder = ob3_dir()
    if folder is None:
        return None
    schema = json.loads((folder / "achievementcredential.json").read_text())
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(credential: dict) -> list[str]:
    """What 1EdTech's AchievementCredential schema says is wrong with ``credential``."""
    validator = _validator()
    if validator is None:
        _missing("1EdTech's Open Badges schema is not in shared/vendor/ob3/ (set CSOA_OB3_DIR)")
    return [
        f"/{'/'.join(map(str, error.absolute_path))} {error.message}"
        for error in validator.iter_errors(credential)
    ]


def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        _missing("Node.js is not installed: the Digital Bazaar verifier cannot run")
    if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        _missing("The verifier's packages are not installed: cd tests/verifier && npm ci")
    return executable


def dbz_verify(credential: dict, documents: dict[str, dict]) -> dict:
    """Digital Bazaar's verdict on ``credential``; ``documents`` are what it may look up.

    Returns ``{"verified": bool, "errors": [...], "status": {"checked", "revoked"}}``.
    """
    executable = node()
    folder = ob3_dir()
    if folder is None:
        _missing("The Open Badges context is not in shared/vendor/ob3/ (set CSOA_OB3_DIR)")
    payload = {
        "credential": credential,
        "documents": documents,
        "contexts": {OB_CONTEXT_URL: str(folder / "context-3.0.3.json")},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payload, handle)
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter and script
            [executable, str(VERIFIER / "verify.mjs"), handle.name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if not result.stdout.strip():
        raise AssertionError(f"The verifier printed nothing: {result.stderr}")
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _every_credential_meets_the_ob3_schema(monkeypatch):
    """Any Open Badges credential signed during a test must pass 1EdTech's schema."""
    from certificates import credentials

    sign = credentials.sign_credential

    def checked(document, *args, **kwargs):
        signed = sign(document, *args, **kwargs)
        if "OpenBadgeCredential" in signed.get("type", []) and _validator() is not None:
            errors = schema_errors(signed)
            assert not errors, f"1EdTech's schema rejects the credential: {errors}"
        return signed

    monkeypatch.setattr(credentials, "sign_credential", checked)
