#!/usr/bin/env python3
"""Agent benchmarks on real processes (release build): etcd members and `vigil agent`s on
127.0.0.1, each agent in its own PID namespace.

  node-loss     the node holding a web service is SIGKILLed whole (node-loss-timeout 2s, a
                test watchdog of 1 s on every node: peers wait lease expiry + 1 s);
                time until the service answers again from another node. >= 10 trials.
  crash         the service process alone is SIGKILLed; time until it answers again.
  rss           resident memory of one agent managing 20 process resources (at start, after
                it released its start-up pages, and 60 s later).
  converge      16 agents on one machine; time from applying a 50-resource config until
                every resource reports started.

Usage: lab/bench-agents.py [--trials N] [--vigil PATH] [--only failover|rss|converge ...]. Prints a Markdown summary.
Everything started is stopped by PID on exit."""
import argparse, json, os, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Lab:
    def __init__(self, vigil, work):
        self.vigil, self.work = vigil, work
        self.procs = []
        self.agents = {}

    def start_etcd(self, members=3):
        ports = free_ports(2 * members)
        initial = ",".join(f"e{i}=http://127.0.0.1:{ports[members + i]}" for i in range(members))
        self.endpoints = ",".join(f"http://127.0.0.1:{ports[i]}" for i in range(members))
        for i in range(members):
            c, p = ports[i], ports[members + i]
            log = open(f"{self.work}/etcd{i}.log", "w")
            self.procs.append(subprocess.Popen([
                "etcd", "--name", f"e{i}", "--data-dir", f"{self.work}/etcd{i}",
                "--listen-client-urls", f"http://127.0.0.1:{c}", "--advertise-client-urls", f"http://127.0.0.1:{c}",
                "--listen-peer-urls", f"http://127.0.0.1:{p}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{p}",
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--heartbeat-interval", "25", "--election-timeout", "250",
                "--experimental-watch-progress-notify-interval", "1s"], stdout=log, stderr=log))
        wait_for(lambda: subprocess.run(["etcdctl", "--endpoints", self.endpoints, "endpoint", "health"],
                                        capture_output=True).returncode == 0, 30, "etcd")

    def put_config(self, cluster, yaml):
        record = json.dumps({"yaml": yaml, "hash": "", "applied-by": "bench", "applied-at": "2026-11-25T00:00:00Z"})
        subprocess.run(["etcdctl", "--endpoints", self.endpoints, "put", f"/vigil/{cluster}/config", record],
                       check=True, capture_output=True)

    def cgroup_root(self):
        """A cgroup of the bench's own below this process's cgroup (removed by stop())."""
        if not hasattr(self, "_cgroup_root"):
            mount = next((l.split(" - ")[0].split()[4] for l in open("/proc/self/mountinfo") if " - cgroup2 " in l), None)
            own = next((l[3:].strip() for l in open("/proc/self/cgroup") if l.startswith("0::")), None)
            self._cgroup_root = None if mount is None or own is None else \
                (mount if own == "/" else mount + own) + "/vigil-bench-" + os.path.basename(self.work)
        return self._cgroup_root

    def start_watchdog(self, node, timeout):
        """The node's test watchdog (lab/test-watchdog): kills the node when starved."""
        if node in getattr(self, "watchdogs", {}):
            return
        self.watchdogs = getattr(self, "watchdogs", {})
        log = f"{self.work}/watchdog-{node}.log"
        p = subprocess.Popen([sys.executable, f"{ROOT}/lab/test-watchdog/watchdog.py", f"{self.work}/watchdog-{node}",
                              str(timeout), f"{self.work}/watchdog-{node}.target", log], stdin=subprocess.DEVNULL)
        self.procs.append(p)
        self.watchdogs[node] = p
        wait_for(lambda: os.path.exists(log) and "ready" in open(log).read(), 10, f"watchdog of {node}")

    def start_agent(self, node, cluster, namespace=True, log_level="warning", watchdog=None):
        log = open(f"{self.work}/{cluster}-{node}.log", "a")
        argv = [self.vigil, "agent", "--node", node, "--etcd", self.endpoints, "--cluster", cluster,
                "--runtime-dir", f"{self.work}/run-{node}", "--log-level", log_level,
                "--listen", f"127.0.0.1:{free_ports(1)[0]}"]
        root = self.cgroup_root()
        argv += ["--cgroup-root", f"{root}/{cluster}-{node}" if root else "off"]
        if watchdog:
            self.start_watchdog(node, watchdog)
            argv += ["--watchdog", f"{self.work}/watchdog-{node}", "--watchdog-timeout", f"{int(watchdog * 1000)}ms"]
        if namespace:
            argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"] + argv
        p = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        if watchdog:
            with open(f"{self.work}/watchdog-{node}.target", "w") as f:
                f.write(str(p.pid))
        self.procs.append(p)
        self.agents[node] = p
        return p

    def agent_pid(self, node):
        p = self.agents[node]
        try:
            with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                return int(f.read().split()[0])
        except (OSError, IndexError):
            return p.pid

    def kill_node(self, node):
        os.kill(self.agent_pid(node), signal.SIGKILL)
        self.agents[node].wait(10)

    def status(self, cluster):
        out = subprocess.run(["etcdctl", "--endpoints", self.endpoints, "get", "--prefix", f"/vigil/{cluster}/status/"],
                             capture_output=True, text=True).stdout.splitlines()
        result = {}
        for key, value in zip(out[0::2], out[1::2]):
            node, resource = key.split("/")[-2:]
            result.setdefault(resource, {})[node] = json.loads(value)["state"]
        return result

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                        for child in f.read().split():
                            os.kill(int(child), signal.SIGKILL)
                except OSError:
                    pass
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        root = self.cgroup_root()
        if root and os.path.isdir(root):
            for directory, _, _ in sorted(os.walk(root), key=lambda entry: -entry[0].count("/")):
                try:
                    with open(f"{directory}/cgroup.kill", "w") as f:
                        f.write("1")
                except OSError:
                    pass
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and "populated 1" in open(f"{directory}/cgroup.events").read():
                    time.sleep(0.02)
                try:
                    os.rmdir(directory)
                except OSError:
                    pass


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise RuntimeError(f"timed out waiting for {what}")


def serving(port):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5).read()
        return True
    except Exception:
        return False


def descendants(pid):
    found, queue = [], [pid]
    while queue:
        p = queue.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(x) for x in f.read().split()]
                found += kids
                queue += kids
        except OSError:
            pass
    return found


def web_config(cluster, port, work):
    return f"""cluster:
  name: {cluster}
  node-loss-timeout: 2s
nodes:
  - {{name: n1}}
  - {{name: n2}}
  - {{name: n3}}
resources:
  - name: web
    agent: process
    params: {{command: [/usr/bin/python3, {ROOT}/lab/demo-web.py, "{port}", {work}/web.pid]}}
    monitor: {{interval: 1s, timeout: 5s}}
    migration-threshold: 1000
    health:
      - http: {{url: "http://127.0.0.1:{port}/", expect-status: 200}}
        interval: 500ms
        timeout: 1s
        rise: 1
        fall: 2
"""


def holder(lab, cluster):
    nodes = [n for n, s in lab.status(cluster).get("web", {}).items() if s == "started"]
    return nodes[0] if len(nodes) == 1 else None


def bench_failover(lab, trials):
    port = free_ports(1)[0]
    lab.put_config("failover", web_config("failover", port, lab.work))
    for n in ("n1", "n2", "n3"):
        lab.start_agent(n, "failover", watchdog=1.0)
    wait_for(lambda: serving(port) and holder(lab, "failover"), 60, "web")
    node_loss, crash = [], []
    for _ in range(trials):
        h = holder(lab, "failover")
        start = time.monotonic()
        lab.kill_node(h)
        time.sleep(0.05)
        wait_for(lambda: serving(port), 60, "web after node loss")
        node_loss.append(time.monotonic() - start)
        lab.start_agent(h, "failover", watchdog=1.0)
        wait_for(lambda: holder(lab, "failover") is not None and serving(port), 60, "settled")
        time.sleep(1.0)
    for _ in range(trials):
        h = holder(lab, "failover")
        webs = [p for p in descendants(lab.agent_pid(h)) if b"demo-web.py" in open(f"/proc/{p}/cmdline", "rb").read()]
        start = time.monotonic()
        os.kill(webs[0], signal.SIGKILL)
        time.sleep(0.01)
        wait_for(lambda: serving(port), 30, "web after crash")
        crash.append(time.monotonic() - start)
        time.sleep(1.0)
    return node_loss, crash


def service_start_time(port, work):
    start = time.monotonic()
    p = subprocess.Popen(["/usr/bin/python3", f"{ROOT}/lab/demo-web.py", str(port), f"{work}/alone.pid"])
    wait_for(lambda: serving(port), 10, "bare web")
    elapsed = time.monotonic() - start
    p.kill()
    p.wait()
    return elapsed


def many_config(cluster, nodes, resources):
    lines = [f"cluster:\n  name: {cluster}\n  node-loss-timeout: 3s\nnodes:"]
    lines += [f"  - {{name: n{i}}}" for i in range(1, nodes + 1)]
    lines.append("resources:")
    for r in range(resources):
        lines.append(f"  - name: r{r}\n    agent: process\n    params: {{command: [/usr/bin/sleep, infinity]}}\n"
                     f"    monitor: {{interval: 5s, timeout: 5s}}")
    return "\n".join(lines) + "\n"


def memory(pid):
    """(VmRSS, RssAnon) of a process in MiB."""
    with open(f"/proc/{pid}/status") as f:
        fields = {line.split(":")[0]: line.split()[1] for line in f if len(line.split()) > 1}
    return int(fields["VmRSS"]) / 1024, int(fields["RssAnon"]) / 1024


def bench_rss(lab):
    """RSS of one agent with 20 resources: 3 s after all started; right after the agent
    released its start-up pages (--release-startup-pages-after, default 20 s); and after
    60 s more of running its monitors (what came back in is what it uses)."""
    lab.put_config("rss", many_config("rss", 1, 20))
    lab.start_agent("n1", "rss", log_level="info")
    wait_for(lambda: sum(1 for r in lab.status("rss").values() if "started" in r.values()) == 20, 60, "20 resources")
    time.sleep(3)
    pid = lab.agent_pid("n1")
    at_start = memory(pid)
    log = f"{lab.work}/rss-n1.log"
    wait_for(lambda: "released start-up pages" in open(log).read(), 60, "the start-up page release")
    released = memory(pid)
    time.sleep(60)
    steady = memory(pid)
    lab.kill_node("n1")
    return at_start, released, steady


def bench_converge(lab):
    for i in range(1, 17):
        lab.start_agent(f"n{i}", "converge", namespace=True)
    time.sleep(2)
    start = time.monotonic()
    lab.put_config("converge", many_config("converge", 16, 50))
    wait_for(lambda: sum(1 for r in lab.status("converge").values() if "started" in r.values()) == 50, 120, "50 resources")
    elapsed = time.monotonic() - start
    for i in range(1, 17):
        lab.kill_node(f"n{i}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--vigil", default=f"{ROOT}/.build/release/vigil")
    parser.add_argument("--only", choices=["failover", "rss", "converge"], action="append",
                        help="run only these benchmarks (repeatable); default: all")
    args = parser.parse_args()
    only = set(args.only or ["failover", "rss", "converge"])
    p95 = lambda xs: sorted(xs)[min(len(xs) - 1, max(0, -(-95 * len(xs) // 100) - 1))]
    q = lambda xs: (f"min {min(xs):.2f} s, p50 {statistics.median(xs):.2f} s, p95 {p95(xs):.2f} s, max {max(xs):.2f} s"
                    f" (n={len(xs)})")
    mib = lambda m: f"RSS {m[0]:.1f} MiB (anonymous {m[1]:.1f} MiB)"
    lines = []
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as work:
        lab = Lab(args.vigil, work)
        try:
            lab.start_etcd()
            if "failover" in only:
                node_loss, crash = bench_failover(lab, args.trials)
                bare = service_start_time(free_ports(1)[0], work)
                lines.append(f"- node loss to serving again (node-loss-timeout 2s, watchdog 1s): {q(node_loss)}")
                lines.append(f"- service process crash to serving again: {q(crash)}; the service alone starts in {bare:.2f} s")
            if "rss" in only:
                rss = bench_rss(lab)
                lines.append(f"- agent memory with 20 process resources: 3 s after start {mib(rss[0])}; after releasing"
                             f" its start-up pages {mib(rss[1])}; 60 s later {mib(rss[2])}")
            if "converge" in only:
                lines.append(f"- 16 agents converge a 50-resource configuration in {bench_converge(lab):.2f} s")
        finally:
            lab.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
