"""Schemathesis against a real agent: every operation of docs/api/openapi.yaml, with and
without the token, must answer a documented status with a documented shape and never 5xx."""

import os
import shutil
import subprocess
import sys

from conftest import ROOT


def schemathesis():
    local = os.path.join(os.path.dirname(sys.executable), "st")
    return local if os.access(local, os.X_OK) else shutil.which("st")


def test_every_operation_conforms_to_the_spec(cluster):
    st = schemathesis()
    assert st, "schemathesis is not installed (lab/test installs it into .build/pyenv)"
    spec = os.path.join(ROOT, "docs", "api", "openapi.yaml")
    result = subprocess.run(
        [st, "--config-file", os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml"), "run", spec, "--url", cluster.url, "--header", f"Authorization: Bearer {cluster.token}",
         "--phases", "examples,coverage,fuzzing", "--max-examples", "40", "--workers", "1", "--seed", "20261207",
         "--no-color"],
        capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "passed" in output.lower(), output[-3000:]
