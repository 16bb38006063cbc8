#!/usr/bin/env python3
"""The seed's use case, as a charm would do it: no hacluster subordinate, just the API.

A "mysql" charm owns the `db` fragment; the "keystone" charm applies its own — a VIP, a
haproxy clone in front of the API, the API process, a colocation (the VIP goes where
haproxy runs) and an order after `db`, a resource of another owner — waits until it all
runs and answers through the VIP, then removes it cleanly. Removing `db` while keystone
still refers to it is refused, with the fragment and line that refer to it.

    keystone_charm.py --url http://127.0.0.1:7950 --token-file TOKEN --work DIR \\
                      [--vip 198.18.0.100] [--interface vip0]
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from vigil_client import InvalidConfiguration, VigilClient  # noqa: E402

DB = """resources:
  - name: db
    agent: process
    params: {command: [/usr/bin/python3, -m, http.server, "13306", --bind, 127.0.0.1]}
"""

KEYSTONE = """resources:
  - name: keystone-api
    agent: process
    params: {{command: [/usr/bin/python3, -m, http.server, "35357", --bind, 127.0.0.1, --directory, {work}]}}
    health:
      - http: {{url: "http://127.0.0.1:35357/", expect-status: 200}}
        interval: 1s
        timeout: 1s
  - name: haproxy
    agent: process
    params: {{command: [/usr/sbin/haproxy, -db, -f, {work}/haproxy.cfg]}}
    clone: {{max: 1}}
  - name: keystone-vip
    agent: vip
    params: {{ip: {vip}, cidr: 32, interface: {interface}}}
constraints:
  - colocation: {{resource: keystone-vip, with: haproxy, score: INFINITY}}
  - order: {{first: db, then: keystone-api, kind: mandatory}}
  - order: {{first: keystone-api, then: haproxy, kind: mandatory}}
"""

HAPROXY = """defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend keystone
  bind :5000
  default_backend api
backend api
  server api1 127.0.0.1:35357
"""


def wait_for(what, condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def running(vigil, names):
    resources = vigil.status().get("resources", {})
    return all(any(state == "started" for state in resources.get(name, {}).values()) for name in names)


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def vip_present(vip, interface):
    out = subprocess.run(["ip", "-o", "addr", "show", "dev", interface], capture_output=True, text=True).stdout
    return f" {vip}/" in out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--vip", default="198.18.0.100")
    parser.add_argument("--interface", default="vip0")
    args = parser.parse_args()
    vigil = VigilClient(args.url, token_file=args.token_file)
    with open(os.path.join(args.work, "haproxy.cfg"), "w") as f:
        f.write(HAPROXY)
    with open(os.path.join(args.work, "index.html"), "w") as f:
        f.write("keystone\n")

    vigil.apply_fragment("mysql", DB)
    print("mysql: db applied")
    applied = vigil.apply_fragment("keystone", KEYSTONE.format(work=args.work, vip=args.vip, interface=args.interface))
    print(f"keystone: applied at revision {applied['revision']}: {', '.join(applied['actions'])}")
    wait_for("keystone to run", lambda: running(vigil, ["db", "keystone-api", "haproxy", "keystone-vip"]))
    wait_for("keystone to answer through the VIP", lambda: answers(f"http://{args.vip}:5000/"))
    print(f"keystone: running, answering on http://{args.vip}:5000/ (owners: {vigil.config()['owners']})")

    try:
        vigil.remove_fragment("mysql")
        raise SystemExit("removing db while keystone orders after it was accepted")
    except InvalidConfiguration as refused:
        where = [f"{d['file']}:{d['line']}" for d in refused.diagnostics]
        print(f"mysql: removal refused while keystone refers to db ({', '.join(where)})")

    vigil.remove_fragment("keystone")
    wait_for("keystone to be gone", lambda: not any(name in vigil.status().get("resources", {})
                                                    for name in ("keystone-api", "haproxy", "keystone-vip")))
    wait_for("the VIP to be removed", lambda: not vip_present(args.vip, args.interface), timeout=20)
    wait_for("nothing to answer on :5000", lambda: not answers(f"http://{args.vip}:5000/"), timeout=20)
    vigil.remove_fragment("mysql")
    print("keystone: removed cleanly (resources stopped, VIP gone); mysql: removed")


if __name__ == "__main__":
    main()
