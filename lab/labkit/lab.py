"""The lab itself: `up`, `down`, the hosts' life cycle and the faults, one method each."""
import json
import os
import random
import shutil
import signal
import time

from . import core
from .core import LabError, State, run, say

VIP = "198.18.0.100"
CLIENT_ADDRESS = "198.18.0.250"
SUBNET = "198.18.0"
HTTP_PORT = 80
AGENT_PORT = 7950


def host_address(index):
    """Host k (1-based) is 198.18.0.k, skipping the VIP's .100 (so at most 248 hosts)."""
    octet = index if index < 100 else index + 1
    if octet >= 250:
        raise LabError("at most 248 hosts")
    return f"{SUBNET}.{octet}"


def etcd_count(hosts):
    """3 members, 5 from 16 hosts up (as an operator would); never more than the hosts."""
    return min(hosts, 5 if hosts >= 16 else 3)


def cluster_yaml(state):
    hosts = state["hosts"]
    web = os.path.join(core.HERE, "demo-web.py")
    nodes = ", ".join(f"{{name: {h['name']}, address: {h['address']}}}" for h in hosts)
    return f"""# Written by lab/vlab up: the service under test.
cluster:
  name: {state['cluster']}
  node-loss-timeout: {state['ttl']}
  stickiness: 100
nodes: [{nodes}]
resources:
  - name: vip
    agent: vip
    params: {{ip: {VIP}, cidr: 24, interface: eth0}}
    monitor: {{interval: {state['monitor']}, timeout: 5s}}
  - name: web
    agent: process
    params: {{command: [/usr/bin/python3, {web}, "{HTTP_PORT}", /run/web.pid, 0.0.0.0]}}
    monitor: {{interval: {state['monitor']}, timeout: 5s}}
groups:
  - {{name: stack, members: [vip, web]}}
"""


class Lab:
    def __init__(self, name):
        self.state = State(name)

    # MARK: - Names

    @property
    def d(self):
        return self.state.directory

    def ns(self, role):
        return f"vl-{self.state.name}-{role}"

    @property
    def switch(self):
        return self.ns("sw")

    @property
    def client(self):
        return self.ns("cl")

    def host(self, name):
        for host in self.state["hosts"]:
            if host["name"] == name:
                return host
        raise LabError(f"no host '{name}' in lab {self.state.name} (hosts: {', '.join(h['name'] for h in self.state['hosts'])})")

    def host_dir(self, host):
        return os.path.join(self.d, "hosts", host["name"])

    @property
    def configured_marker(self):
        """Exists once the configuration is in etcd: the agents' first start waits for it."""
        return os.path.join(self.d, "configured")

    @property
    def endpoints(self):
        return [f"http://{h['address']}:2379" for h in self.state["hosts"] if h["etcd"]]

    # MARK: - up / down

    def up(self, count, vigil, ttl="2s", election_ms=250, monitor="1s", margin=None, probe=True, apply=True):
        if count < 3:
            raise LabError("a lab has at least 3 hosts")
        if self.state.exists():
            raise LabError(f"lab '{self.state.name}' exists ({self.state.path}): `vlab --lab {self.state.name} down` first")
        if not os.access(vigil, os.X_OK):
            raise LabError(f"{vigil}: no vigil binary (swift build -c release --product vigil)")
        own = cgroup_own_directory()
        self.state.data = {
            "cluster": "lab", "ttl": ttl, "election_ms": election_ms, "monitor": monitor, "vigil": os.path.abspath(vigil),
            "namespaces": [], "hosts": [], "daemons": {}, "cgroup_root": f"{own}/vigil-lab-{self.state.name}" if own else None,
            "margin": margin,
        }
        os.makedirs(self.d, exist_ok=True)
        self.state.save()
        etcd_hosts = etcd_count(count)
        self._add_namespace(self.switch)
        run(["ip", "-n", self.switch, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", self.switch, "link", "set", "br0", "up"])
        say(f"switch: namespace {self.switch}, bridge br0 (no address, no route, no forwarding)")
        for index in range(1, count + 1):
            name = f"n{index}"
            host = {"name": name, "index": index, "address": host_address(index), "etcd": index <= etcd_hosts,
                    "netns": self.ns(name), "port": f"v{index}", "init": None, "unshare": None, "down": False}
            self._add_link(host["netns"], host["port"], host["address"])
            host["mac"] = mac_of(host["netns"])
            self.state["hosts"].append(host)
            os.makedirs(self.host_dir(host), exist_ok=True)
            self.state.save()
        self._add_link(self.client, "vcl", CLIENT_ADDRESS)
        say(f"hosts: {count} namespaces {self.ns('n1')}…{self.ns(f'n{count}')}, eth0 {host_address(1)}…{host_address(count)}/24; "
            f"client {self.client} {CLIENT_ADDRESS}")
        with open(os.path.join(self.d, "cluster.yaml"), "w") as f:
            f.write(cluster_yaml(self.state))
        for host in self.state["hosts"]:
            self._start_watchdog(host)
        self.boot_many([host["name"] for host in self.state["hosts"]], quiet=True)
        say(f"booted: etcd on {', '.join(h['name'] for h in self.state['hosts'] if h['etcd'])}; vigil agent on every host "
            f"(PID, mount and UTS namespaces of its own; a test watchdog each)")
        self.wait_etcd()
        if apply:
            self.vigil(["config", "apply", os.path.join(self.d, "cluster.yaml")])
            open(self.configured_marker, "w").close()
            say(f"configuration applied: vip {VIP}/24 + web (HTTP :{HTTP_PORT}), group stack, node-loss-timeout {ttl}")
        if probe:
            self.start_daemons()
        say(f"lab '{self.state.name}' is up: state in {self.d}")

    def _add_namespace(self, name):
        run(["ip", "netns", "add", name])
        self.state["namespaces"].append(name)
        self.state.save()

    def _add_link(self, netns, port, address):
        self._add_namespace(netns)
        run(["ip", "-n", self.switch, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", netns])
        run(["ip", "-n", self.switch, "link", "set", port, "master", "br0", "up"])
        run(["ip", "-n", netns, "link", "set", "lo", "up"])
        run(["ip", "-n", netns, "addr", "add", f"{address}/24", "dev", "eth0"])
        run(["ip", "-n", netns, "link", "set", "eth0", "up"])

    def down(self):
        """Removes everything the state file names: processes by PID (only while they are
        the same process), namespaces by name, the cgroups."""
        if not self.state.exists():
            say(f"lab '{self.state.name}': nothing to remove")
            return
        self.state.load()
        killed = 0
        for rec in list(self.state.get("daemons", {}).values()):
            if core.alive(rec):
                core.kill_and_wait(rec)
                killed += 1
        for host in self.state.get("hosts", []):
            for key in ("init", "unshare", "watchdog"):
                if core.alive(host.get(key)):
                    core.kill_and_wait(host[key])
                    killed += 1
            for rec in host.get("extra", []):
                if core.alive(rec):
                    core.kill_and_wait(rec)
                    killed += 1
        root = self.state.get("cgroup_root")
        if root and os.path.isdir(root):
            remove_cgroup_tree(root)
        removed = 0
        for name in reversed(self.state.get("namespaces", [])):
            if os.path.exists(f"/run/netns/{name}"):
                run(["ip", "netns", "del", name], check=False)
                removed += 1
        shutil.rmtree(self.d, ignore_errors=True)
        say(f"lab '{self.state.name}' removed: {killed} processes killed by PID, {removed} namespaces deleted"
            + (f", cgroup {root}" if root else ""))

    # MARK: - Hosts

    def _start_watchdog(self, host):
        directory = self.host_dir(host)
        fifo = os.path.join(directory, "watchdog")
        log = fifo + ".log"
        script = os.path.join(core.HERE, "test-watchdog", "watchdog.py")
        pid = core.spawn(["/usr/bin/python3", script, fifo, "1", fifo + ".target", log], os.path.join(directory, "watchdog.out"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "ready" not in read(log):
            time.sleep(0.02)
        host["watchdog"] = core.record(pid, "watchdog")
        self.state.save()

    def boot_services(self, host):
        """What a host starts when it boots: its etcd member (if it has one) and the agent."""
        directory = self.host_dir(host)
        services = []
        if host["etcd"]:
            # A real etcd member has its host's CPU; here every host shares two cores, and
            # 64 agents booting at once starve the members past their election timeout (the
            # lab's cold start at 64 hosts). A higher CPU priority gives them back what the
            # lab took; the agents' own CPU is untouched.
            services.append({"name": "etcd", "argv": self.etcd_argv(host), "log": os.path.join(directory, "etcd.log"), "nice": -10})
        agent = [
            self.state["vigil"], "agent", "--node", host["name"], "--etcd", ",".join(self.endpoints), "--cluster", self.state["cluster"],
            "--listen", f"{host['address']}:{AGENT_PORT}", "--insecure-api", "--address", f"{host['address']}:{AGENT_PORT}",
            "--runtime-dir", "/run/vigil", "--watchdog", os.path.join(directory, "watchdog"), "--watchdog-timeout", "1s",
            "--log-level", os.environ.get("VIGIL_LAB_LOG_LEVEL", "info"),
        ]
        if self.state.get("cgroup_root"):
            agent += ["--cgroup-root", f"{self.state['cgroup_root']}/{host['name']}"]
        services.append({"name": "agent", "argv": agent, "log": os.path.join(directory, "agent.log"), "after": self.configured_marker})
        return services

    def etcd_argv(self, host):
        members = ",".join(f"e-{h['name']}=http://{h['address']}:2380" for h in self.state["hosts"] if h["etcd"])
        election = int(self.state["election_ms"])
        directory = self.host_dir(host)
        return [
            "/usr/bin/etcd", "--name", f"e-{host['name']}", "--data-dir", os.path.join(directory, "etcd-data"),
            "--listen-client-urls", f"http://{host['address']}:2379", "--advertise-client-urls", f"http://{host['address']}:2379",
            "--listen-peer-urls", f"http://{host['address']}:2380", "--initial-advertise-peer-urls", f"http://{host['address']}:2380",
            "--initial-cluster", members, "--initial-cluster-state", "new", "--initial-cluster-token", f"vigil-lab-{self.state.name}",
            "--heartbeat-interval", str(max(10, election // 10)), "--election-timeout", str(election),
            "--experimental-watch-progress-notify-interval", "1s", "--logger", "zap", "--log-level", "warn",
        ]

    def boot(self, name, quiet=False):
        """Boots host `name`: a new PID, mount and UTS namespace in its network namespace,
        a fresh /run, then its services. A host that runs is crashed first (a hard reset)."""
        self.boot_many([name], quiet=quiet)

    def boot_many(self, names, quiet=False):
        """Boots several hosts at once: every host's network made ready, then every one
        launched, then each one's PID 1 found (one state write at the end), so that 64
        hosts start within about a second of each other."""
        hosts = [self.host(name) for name in names]
        for host in hosts:
            if core.alive(host.get("init")):
                self.crash(host["name"], quiet=True)
        for host in hosts:
            # Only its own address survives a reboot (a VIP it held is gone with the crash).
            batch(host["netns"], ["addr flush dev eth0", f"addr add {host['address']}/24 dev eth0", "link set eth0 up"])
        batch(self.switch, [f"link set {host['port']} up" for host in hosts])
        launched = []
        for host in hosts:
            directory = self.host_dir(host)
            with open(os.path.join(directory, "boot.json"), "w") as f:
                json.dump({"hostname": host["name"], "services": self.boot_services(host)}, f)
            argv = [
                "/usr/bin/nsenter", f"--net=/run/netns/{host['netns']}", "--",
                "/usr/bin/unshare", "--pid", "--mount", "--uts", "--fork", "--kill-child", "--mount-proc", "--",
                "/usr/bin/python3", os.path.join(core.HERE, "vlab"), "_init", directory,
            ]
            launched.append((host, core.spawn(argv, os.path.join(directory, "console.log"))))
            self.state.event(f"boot {host['name']}")
        failed = []
        for host, launcher in launched:
            # nsenter execs unshare (same PID); unshare forks the host's PID 1.
            deadline = time.monotonic() + 10
            init = None
            while time.monotonic() < deadline and init is None:
                for child in core.children(launcher):
                    if "_init" in core.cmdline(child):
                        init = child
                if init is None:
                    time.sleep(0.005)
            host["unshare"] = core.record(launcher, "unshare")
            host["extra"] = []
            if init is None:
                failed.append(host["name"])
                continue
            host["init"] = core.record(init, "init")
            host["down"] = False
            with open(os.path.join(self.host_dir(host), "watchdog.target"), "w") as f:
                f.write(str(init))
            if not quiet:
                say(f"{host['name']}: booted (PID 1 of its namespaces is {init}; fresh /run; disk kept in {self.host_dir(host)})")
        self.state.save()
        if failed:
            raise LabError(f"{', '.join(failed)}: init did not start (see their console.log)")

    def agent_pid(self, name):
        """The host PID of host `name`'s `vigil agent`, None when it does not run."""
        for pid in self.host_processes(name, "agent"):
            argv = core.cmdline(pid)
            if argv[:2] == [self.state["vigil"], "agent"]:
                return pid
        return None

    def crash(self, name, quiet=False):
        """Host `name` crashes: its link goes down (peers' packets to it vanish), then its
        PID namespace is SIGKILLed whole."""
        host = self.host(name)
        self.state.event(f"crash {name}")
        run(["ip", "-n", self.switch, "link", "set", host["port"], "down"])
        core.kill_and_wait(host.get("init"))
        core.kill_and_wait(host.get("unshare"), timeout=2)
        # A dead host answers for nothing; its addresses go with it.
        run(["ip", "-n", host["netns"], "addr", "flush", "dev", "eth0"], check=False)
        host["down"] = True
        self.state.save()
        if not quiet:
            say(f"{name}: crashed (link down, PID namespace killed)")

    def isolate(self, name):
        host = self.host(name)
        self.state.event(f"isolate {name}")
        run(["ip", "-n", self.switch, "link", "set", host["port"], "down"])
        say(f"{name}: isolated (link down, nothing killed)")

    def heal(self, name):
        host = self.host(name)
        run(["ip", "-n", self.switch, "link", "set", host["port"], "up"])
        self.state.event(f"heal {name}")
        say(f"{name}: link up")

    def host_processes(self, name, marker):
        """Host PIDs of the processes on host `name` whose command line contains `marker`."""
        host = self.host(name)
        if not core.alive(host.get("init")):
            return []
        # What `etcd start` launched hangs below its nsenter, outside the host's tree.
        roots = [host["init"]["pid"]] + [rec["pid"] for rec in host.get("extra", []) if core.alive(rec)]
        pids = [pid for root in roots for pid in core.descendants(root)]
        return [pid for pid in pids if any(marker in part for part in core.cmdline(pid))]

    def kill_service(self, name):
        """SIGKILLs `web` on host `name`; returns when it was killed (finding it among a
        big lab's processes takes a while, and must not count as part of the outage)."""
        pids = self.host_processes(name, "demo-web.py")
        if not pids:
            raise LabError(f"{name}: no web process")
        records = [core.record(pid, "web") for pid in pids]
        self.state.event(f"kill-service {name}")
        killed = core.now()
        for rec in records:
            core.signal_process(rec, signal.SIGKILL)
        say(f"{name}: web killed (pid {', '.join(map(str, pids))})")
        return killed

    def delete_vip(self, name):
        """Deletes the VIP from host `name`'s eth0; returns when `ip` did."""
        host = self.host(name)
        self.state.event(f"delete-vip {name}")
        started = core.now()
        run(["ip", "-n", host["netns"], "addr", "del", f"{VIP}/24", "dev", "eth0"])
        deleted = core.now()
        say(f"{name}: {VIP} deleted from eth0")
        # The address went somewhere between the start and the end of `ip`.
        return (started + deleted) / 2

    # MARK: - etcd members

    def etcd_pid(self, name):
        pids = [pid for pid in self.host_processes(name, "/usr/bin/etcd") if core.cmdline(pid)[:1] == ["/usr/bin/etcd"]]
        return pids[0] if pids else None

    def etcd_stop(self, name, sig=signal.SIGTERM):
        host = self.host(name)
        if not host["etcd"]:
            raise LabError(f"{name} has no etcd member")
        pid = self.etcd_pid(name)
        if pid is None:
            raise LabError(f"{name}: its etcd member is not running")
        self.state.event(f"etcd-{'crash' if sig == signal.SIGKILL else 'stop'} {name}")
        core.kill_and_wait(core.record(pid, "etcd"), sig, timeout=30)
        say(f"{name}: etcd member {'crashed (SIGKILL)' if sig == signal.SIGKILL else 'stopped (SIGTERM)'}")

    def etcd_start(self, name):
        host = self.host(name)
        if not host["etcd"] or not core.alive(host.get("init")):
            raise LabError(f"{name}: no etcd member, or the host is down")
        if self.etcd_pid(name) is not None:
            raise LabError(f"{name}: its etcd member runs")
        argv = ["/usr/bin/nsenter", "-t", str(host["init"]["pid"]), "-n", "-m", "-u", "-p", "--"] + self.etcd_argv(host)
        pid = core.spawn(argv, os.path.join(self.host_dir(host), "etcd.log"))
        host.setdefault("extra", []).append(core.record(pid, "nsenter-etcd"))
        self.state.save()
        self.state.event(f"etcd-start {name}")
        say(f"{name}: etcd member started")

    def etcd_partition(self, name):
        """Cuts host `name`'s etcd member off — its client and peer ports, both ways — while
        the host and its agent stay on the network (the agent still reaches the other
        members, and its own member over the host's own address). Policy routing rules in
        the host's namespace (this kernel has no packet filter modules): incoming etcd
        traffic on eth0 and the member's own packets to other hosts are blackholed; the
        rule that looks up local addresses moves behind the first and stays ahead of the
        second for the host's own address."""
        host = self.host(name)
        rules = [
            ["pref", "5", "iif", "eth0", "ipproto", "tcp", "dport", "2379", "blackhole"],
            ["pref", "6", "iif", "eth0", "ipproto", "tcp", "dport", "2380", "blackhole"],
            ["pref", "10", "to", f"{host['address']}/32", "lookup", "local"],
            ["pref", "11", "to", "127.0.0.0/8", "lookup", "local"],
            ["pref", "20", "ipproto", "tcp", "sport", "2379", "blackhole"],
            ["pref", "21", "ipproto", "tcp", "sport", "2380", "blackhole"],
            ["pref", "22", "ipproto", "tcp", "dport", "2380", "blackhole"],
            ["pref", "100", "lookup", "local"],
        ]
        for rule in rules:
            run(["ip", "-n", host["netns"], "rule", "add"] + rule)
        run(["ip", "-n", host["netns"], "rule", "del", "pref", "0"])
        self.state.event(f"etcd-partition {name}")
        say(f"{name}: etcd member partitioned (ports 2379/2380 blackholed on eth0 by policy routing)")

    def etcd_heal(self, name):
        host = self.host(name)
        rules = run(["ip", "-n", host["netns"], "rule", "show"])
        if not any(line.startswith("0:") for line in rules.splitlines()):
            run(["ip", "-n", host["netns"], "rule", "add", "pref", "0", "lookup", "local"])
        for pref in ("5", "6", "10", "11", "20", "21", "22", "100"):
            if any(line.startswith(pref + ":") for line in rules.splitlines()):
                run(["ip", "-n", host["netns"], "rule", "del", "pref", pref], check=False)
        self.state.event(f"etcd-heal {name}")
        say(f"{name}: etcd member reachable again")

    def etcd_status(self):
        """Per endpoint: member id, leader id, raft term, db size (etcdctl, from the client)."""
        text = self.in_client(["/usr/bin/etcdctl", "--endpoints", ",".join(self.endpoints), "--command-timeout", "2s",
                               "endpoint", "status", "-w", "json"], check=False)
        try:
            entries = json.loads(text or "[]")
        except ValueError:
            return []
        return entries

    def etcd_leader(self):
        for entry in self.etcd_status():
            status = entry.get("Status", {})
            if status.get("header", {}).get("member_id") == status.get("leader"):
                endpoint = entry.get("Endpoint", "")
                for host in self.state["hosts"]:
                    if f"//{host['address']}:" in endpoint:
                        return host["name"]
        return None

    def move_etcd_leader(self, name, timeout=30):
        host = self.host(name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            entries = self.etcd_status()
            leader_endpoint, target_id = None, None
            for entry in entries:
                status = entry.get("Status", {})
                if status.get("header", {}).get("member_id") == status.get("leader"):
                    leader_endpoint = entry["Endpoint"]
                if f"//{host['address']}:" in entry.get("Endpoint", ""):
                    target_id = status.get("header", {}).get("member_id")
            if leader_endpoint and target_id is not None:
                if f"//{host['address']}:" in leader_endpoint:
                    return
                self.in_client(["/usr/bin/etcdctl", "--endpoints", leader_endpoint, "move-leader", format(target_id, "x")], check=False)
            time.sleep(0.2)
        raise LabError(f"etcd's leadership did not move to {name}")

    def wait_etcd(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.in_client(["/usr/bin/etcdctl", "--endpoints", ",".join(self.endpoints), "--command-timeout", "1s", "endpoint", "health"], check=False, ok=True):
                return
            time.sleep(0.2)
        raise LabError(f"etcd not healthy after {timeout} s")

    # MARK: - The client namespace

    def in_client(self, argv, check=True, ok=False, timeout=30):
        full = ["/usr/bin/nsenter", f"--net=/run/netns/{self.client}", "--"] + argv
        if ok:
            import subprocess
            return subprocess.run(full, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout).returncode == 0
        return run(full, check=check, timeout=timeout)

    def vigil(self, arguments, check=True):
        return self.in_client([self.state["vigil"]] + arguments + ["--etcd", ",".join(self.endpoints), "--cluster", self.state["cluster"]], check=check)

    def status(self):
        """`vigil status --json`, parsed (None when etcd does not answer)."""
        try:
            return json.loads(self.vigil(["status", "--json"]))
        except (LabError, ValueError):
            return None

    def start_daemons(self):
        """The client probe and the duplicate-VIP detector, in the client namespace."""
        vlab = os.path.join(core.HERE, "vlab")
        macs = ",".join(f"{h['mac']}={h['name']}" for h in self.state["hosts"])
        hosts = ",".join(f"{h['netns']}={h['name']}" for h in self.state["hosts"])
        probe = core.spawn(["/usr/bin/nsenter", f"--net=/run/netns/{self.client}", "--", "/usr/bin/python3", vlab, "_probe",
                            f"http://{VIP}:{HTTP_PORT}/", os.path.join(self.d, "probe.log")], os.path.join(self.d, "probe.out"))
        watch = core.spawn(["/usr/bin/nsenter", f"--net=/run/netns/{self.client}", "--", "/usr/bin/python3", vlab, "_watch",
                            VIP, macs, hosts, os.path.join(self.d, "watch.log")], os.path.join(self.d, "watch.out"))
        self.state["daemons"] = {"probe": core.record(probe, "probe"), "watch": core.record(watch, "watch")}
        self.state.save()
        say(f"client probe: a new TCP connection to {VIP}:{HTTP_PORT} every 50 ms (1 s timeout) → {self.d}/probe.log")
        say(f"duplicate-VIP detector: ARP for {VIP} every 50 ms + the hosts' addresses (netlink) → {self.d}/watch.log")


def batch(netns, commands):
    """Several `ip` commands in namespace `netns` with one process (`ip -batch`)."""
    import subprocess
    result = subprocess.run(["ip", "-n", netns, "-batch", "-"], input="\n".join(commands) + "\n", capture_output=True, text=True)
    if result.returncode != 0:
        raise LabError(f"ip -n {netns} -batch: {result.stderr.strip()}")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def mac_of(netns):
    entries = json.loads(run(["ip", "-n", netns, "-j", "link", "show", "eth0"]))
    return entries[0]["address"]


def cgroup_own_directory():
    """This process's cgroup directory on the cgroup2 file system (None without one)."""
    mount = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.startswith("cgroup2 "):
                mount = left.split()[4]
                break
    own = None
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                own = line[3:].strip()
    if mount is None or own is None:
        return None
    return mount if own == "/" else mount + own


def remove_cgroup_tree(root):
    for directory, _, _ in sorted(os.walk(root), key=lambda entry: -entry[0].count("/")):
        try:
            with open(os.path.join(directory, "cgroup.kill"), "w") as f:
                f.write("1")
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "populated 1" in read(os.path.join(directory, "cgroup.events")):
            time.sleep(0.02)
        try:
            os.rmdir(directory)
        except OSError:
            pass
