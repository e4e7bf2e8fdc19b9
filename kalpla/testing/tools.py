"""Tests that need a Debian tool (ffmpeg, espeak-ng, chromium): fail under CI, skip locally."""

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{name} is not installed; .ci/run installs it (apt-get install)")
    pytest.skip(f"{name} is not installed (apt-get install it to run this test)")
