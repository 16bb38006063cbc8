"""Access to the API beyond loopback: TLS or an explicit --insecure-api, and HTTPS served
with the operator's certificate."""

import os
import subprocess

import pytest

from conftest import free_ports, vigil_binary, wait_for
from vigil_client import Unavailable, VigilClient


def test_plain_http_beyond_loopback_is_refused_at_start(cluster):
    port = free_ports(1)[0]
    result = subprocess.run(
        [vigil_binary(), "agent", "--node", "nx", "--etcd", cluster.endpoint, "--cluster", cluster.name,
         "--listen", f"0.0.0.0:{port}", "--runtime-dir", os.path.join(cluster.work, "run-nx"), "--cgroup-root", "off",
         "--api-token-file", cluster.token_file],
        capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--tls-cert and --tls-key, or --insecure-api" in result.stderr + result.stdout
    assert cluster.token not in result.stderr + result.stdout


def test_https_with_the_operators_certificate(cluster):
    cert = os.path.join(cluster.work, "api.crt")
    key = os.path.join(cluster.work, "api.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    port = free_ports(1)[0]
    log = open(os.path.join(cluster.work, "agent-tls.log"), "w")
    agent = subprocess.Popen(
        [vigil_binary(), "agent", "--node", "ntls", "--etcd", cluster.endpoint, "--cluster", cluster.name,
         "--listen", f"127.0.0.1:{port}", "--runtime-dir", os.path.join(cluster.work, "run-ntls"), "--cgroup-root", "off",
         "--api-token-file", cluster.token_file, "--tls-cert", cert, "--tls-key", key],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        secure = VigilClient(f"https://127.0.0.1:{port}", token_file=cluster.token_file, cafile=cert)
        wait_for(lambda: secure.status()["node"] == "ntls", 30, "the agent over HTTPS")
        secure.report_health("tls-api", True, "ok", ttl=5)
        wait_for(lambda: secure.health("tls-api")[0] == 200, 10, "the report served over HTTPS")
        secure.withdraw_health("tls-api")
        with pytest.raises(Unavailable):
            VigilClient(f"http://127.0.0.1:{port}", timeout=2).status()
    finally:
        agent.terminate()
        agent.wait(20)
