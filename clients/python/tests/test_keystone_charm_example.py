"""The charm example (examples/keystone_charm.py) end to end, in a network namespace of the
test's own: etcd, the agent and the example all run inside it, the VIP on a veth
interface there (198.18.0.100/32), nothing reaching out of it."""

import os
import secrets
import subprocess
import sys
import tempfile

from conftest import ROOT, Cluster, wait_for, vigil_binary

BASE = """cluster: {{name: {name}, fencing: disabled}}
nodes:
  - {{name: n1, address: 127.0.0.1}}
resources: []
"""


def netns(name, *argv):
    return ["ip", "netns", "exec", name] + list(argv)


def test_the_keystone_charm_example(tmp_path):
    name = "vigil-py-" + secrets.token_hex(3)
    subprocess.run(["ip", "netns", "add", name], check=True)
    procs = []
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        # A veth pair with both ends inside (this kernel has no dummy interfaces).
        subprocess.run(["ip", "-n", name, "link", "add", "vip0", "type", "veth", "peer", "name", "vip0p"], check=True)
        for link in ("vip0", "vip0p"):
            subprocess.run(["ip", "-n", name, "link", "set", link, "up"], check=True)
        work = str(tmp_path)
        token = secrets.token_hex(24)
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(token)
        os.chmod(token_file, 0o600)
        log = open(os.path.join(work, "etcd.log"), "w")
        procs.append(subprocess.Popen(netns(
            name, "etcd", "--name", "e0", "--data-dir", os.path.join(work, "etcd"),
            "--listen-client-urls", "http://127.0.0.1:2379", "--advertise-client-urls", "http://127.0.0.1:2379",
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster", "e0=http://127.0.0.1:2380", "--experimental-watch-progress-notify-interval", "1s"),
            stdout=log, stderr=log, stdin=subprocess.DEVNULL))
        wait_for(lambda: subprocess.run(netns(name, "etcdctl", "--endpoints", "http://127.0.0.1:2379", "endpoint", "health"),
                                        capture_output=True).returncode == 0, 30, "etcd in the namespace")
        cluster = "charm-" + secrets.token_hex(3)
        agent_log = open(os.path.join(work, "agent.log"), "w")
        procs.append(subprocess.Popen(netns(
            name, vigil_binary(), "agent", "--node", "n1", "--etcd", "http://127.0.0.1:2379", "--cluster", cluster,
            "--listen", "127.0.0.1:7950", "--runtime-dir", os.path.join(work, "run"), "--cgroup-root", "off",
            "--api-token-file", token_file), stdout=agent_log, stderr=agent_log, stdin=subprocess.DEVNULL))
        base = os.path.join(work, "cluster.yaml")
        with open(base, "w") as f:
            f.write(BASE.format(name=cluster))
        wait_for(lambda: subprocess.run(netns(name, vigil_binary(), "config", "apply", base, "--etcd", "http://127.0.0.1:2379", "--cluster", cluster),
                                        capture_output=True).returncode == 0, 30, "the operator's configuration")
        example = os.path.join(ROOT, "clients", "python", "examples", "keystone_charm.py")
        result = subprocess.run(netns(name, "/usr/bin/python3", example, "--url", "http://127.0.0.1:7950",
                                      "--token-file", token_file, "--work", work),
                                capture_output=True, text=True, timeout=180)
        agent_log.flush()
        assert result.returncode == 0, result.stdout + result.stderr + open(os.path.join(work, "agent.log")).read()[-4000:]
        out = result.stdout
        assert "keystone: running, answering on http://198.18.0.100:5000/" in out, out
        assert "mysql: removal refused while keystone refers to db (fragment keystone:" in out, out
        assert "keystone: removed cleanly" in out, out
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in reversed(procs):
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        subprocess.run(["ip", "netns", "del", name])
