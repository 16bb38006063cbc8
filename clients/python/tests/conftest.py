"""Fixtures: a real etcd and a real `vigil agent`, started for the session and stopped by PID."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

from vigil_client import VigilClient  # noqa: E402


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception as error:  # the condition may raise while a server starts
            last = error
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last})" if last else ""))


def vigil_binary():
    path = os.environ.get("VIGIL_BINARY") or os.path.join(ROOT, ".build", "debug", "vigil")
    assert os.access(path, os.X_OK), f"no vigil binary at {path}: build first (swift build)"
    return path


def remove_work_dir(work):
    """Removes a fixture's work directory, or keeps it (and says where) with VIGIL_PYTEST_KEEP=1."""
    if os.environ.get("VIGIL_PYTEST_KEEP"):
        print(f"kept {work}")
    else:
        subprocess.run(["rm", "-rf", work])


def start_etcd(work):
    """One etcd member on 127.0.0.1 (free ports, data and log in `work`), healthy; returns
    its client URL and its process (the caller stops it)."""
    client, peer = free_ports(2)
    endpoint = f"http://127.0.0.1:{client}"
    log = open(os.path.join(work, "etcd.log"), "w")
    process = subprocess.Popen(
        ["etcd", "--name", "e0", "--data-dir", os.path.join(work, "etcd"),
         "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
         "--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
         "--initial-cluster", f"e0=http://127.0.0.1:{peer}", "--heartbeat-interval", "25", "--election-timeout", "250",
         "--experimental-watch-progress-notify-interval", "1s"],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    wait_for(lambda: subprocess.run(["etcdctl", "--endpoints", endpoint, "endpoint", "health"],
                                    capture_output=True).returncode == 0, 30, "etcd")
    return endpoint, process


class Cluster:
    """One etcd member and agents on 127.0.0.1, all in a temporary directory."""

    def __init__(self, work):
        self.work = work
        self.procs = []
        self.name = "py-" + secrets.token_hex(4)
        self.token = secrets.token_hex(24)
        self.token_file = os.path.join(work, "api-token")
        with open(self.token_file, "w") as f:
            f.write(self.token + "\n")
        os.chmod(self.token_file, 0o600)

    def start_etcd(self):
        self.endpoint, process = start_etcd(self.work)
        self.procs.append(process)

    def start_agent(self, node, token=True, extra=()):
        port = free_ports(1)[0]
        log = open(os.path.join(self.work, f"agent-{node}.log"), "a")
        argv = [vigil_binary(), "agent", "--node", node, "--etcd", self.endpoint, "--cluster", self.name,
                "--listen", f"127.0.0.1:{port}", "--runtime-dir", os.path.join(self.work, f"run-{node}"),
                "--cgroup-root", "off", "--log-level", "info"] + (["--api-token-file", self.token_file] if token else []) + list(extra)
        self.procs.append(subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}"
        # Serving, then with a view of the cluster (GET /v1/status answers 503 until then).
        wait_for(lambda: VigilClient(url).health("-probe-")[0] in (404, 503), 30, f"agent {node}")
        wait_for(lambda: VigilClient(url).status()["node"] == node, 30, f"agent {node} to have a view of the cluster")
        return url

    def log(self, node):
        with open(os.path.join(self.work, f"agent-{node}.log")) as f:
            return f.read()

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


BASE = """cluster: {{name: {name}, fencing: disabled}}
nodes:
  - {{name: n1, address: 127.0.0.1}}
resources: []
"""


@pytest.fixture(scope="session")
def cluster():
    work = tempfile.mkdtemp(prefix="vigil-pytest-")
    c = Cluster(work)
    try:
        c.start_etcd()
        c.url = c.start_agent("n1")
        VigilClient(c.url, token_file=c.token_file).apply_fragment("operator", BASE.format(name=c.name))
        wait_for(lambda: "n1" in VigilClient(c.url).status()["nodes"], 30, "the agent to see the configuration")
        yield c
    finally:
        c.stop()
        remove_work_dir(work)


@pytest.fixture()
def client(cluster):
    return VigilClient(cluster.url, token_file=cluster.token_file)
