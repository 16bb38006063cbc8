"""A seeded chaos run on a running lab: random faults, at least one every `every` seconds,
each healed after a few seconds, while invariants are checked throughout:

- never two hosts answering for the VIP (ARP) or carrying it (addresses);
- never `web` running on two hosts (the hosts' process tables, not Vigil's state);
- everything that can run is running within 10 s of the last fault healing;
- no agent ever crashes (a host's PID 1 logs every exit of its agent).

The seed fixes the sequence of fault kinds, delays and host draws; the trace records what
each draw hit. `vlab chaos --seed S --duration D`."""
import os
import random
import signal
import threading
import time

from . import analysis, core
from .cli import holder_of
from .core import LabError, say

KINDS = ("crash-host", "crash-coordinator", "isolate-host", "etcd-stop", "etcd-crash", "etcd-partition", "etcd-leader-crash",
         "kill-service", "delete-vip")
RECOVERY_BUDGET = 10.0


class Chaos:
    def __init__(self, lab, seed, duration, every):
        self.lab = lab
        self.rng = random.Random(seed)
        self.seed = seed
        self.duration = duration
        self.every = every
        self.violations = []
        self.trace = []
        self.active = {}  # host → (kind, heal time)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.start = core.now()
        self.agent_exits = {h["name"]: self.exits(h) for h in lab.state["hosts"]}

    def t(self):
        return round(core.now() - self.start, 3)

    def violate(self, text):
        with self.lock:
            self.violations.append({"t": self.t(), "what": text, "trace_so_far": len(self.trace)})
        say(f"[{self.t():8.3f}] VIOLATION: {text}")

    def exits(self, host):
        return analysis.count_in_log(os.path.join(self.lab.host_dir(host), "console.log"), "exited agent")

    def live(self):
        return [h["name"] for h in self.lab.state["hosts"] if core.alive(h.get("init"))]

    # MARK: - Invariants watched throughout

    def watch(self):
        web_twice = None
        while not self.stop.is_set():
            running = [name for name in self.live() if self.lab.host_processes(name, "demo-web.py")]
            if len(running) >= 2 and web_twice is None:
                web_twice = running
                self.violate(f"web runs on {', '.join(running)} (process tables)")
            elif len(running) < 2:
                web_twice = None
            for host in self.lab.state["hosts"]:
                count = self.exits(host)
                if count > self.agent_exits[host["name"]]:
                    self.agent_exits[host["name"]] = count
                    self.violate(f"the agent on {host['name']} exited (see its console.log and agent.log)")
            time.sleep(0.1)

    # MARK: - Faults

    def draw_host(self, candidates):
        """A host by the seed's draw: index into all hosts, then the next candidate."""
        names = [h["name"] for h in self.lab.state["hosts"]]
        index = self.rng.randrange(len(names))
        for offset in range(len(names)):
            name = names[(index + offset) % len(names)]
            if name in candidates:
                return name
        return None

    def etcd_faulted(self):
        return sum(1 for name, (kind, _) in self.active.items() if kind.startswith("etcd") or (kind in ("crash-host", "crash-coordinator", "isolate-host") and self.lab.host(name)["etcd"]))

    def inject(self):
        """Draws faults until one applies (a draw that fits no host now is recorded and
        drawn again), so a fault comes at least every `every` seconds."""
        for _ in range(8):
            if self.try_inject():
                return

    def try_inject(self):
        kind = self.rng.choice(KINDS)
        hold = self.rng.uniform(3, 12)
        quiet_hosts = [n for n in self.live() if n not in self.active]
        etcd_free = self.etcd_faulted() == 0
        status = self.lab.status() or {}
        target = None
        try:
            if kind in ("crash-host", "isolate-host"):
                candidates = [n for n in quiet_hosts if etcd_free or not self.lab.host(n)["etcd"]]
                if len(self.active) >= 2:
                    candidates = []
                target = self.draw_host(candidates)
                if target:
                    (self.lab.crash if kind == "crash-host" else self.lab.isolate)(target, **({"quiet": True} if kind == "crash-host" else {}))
            elif kind == "crash-coordinator":
                coordinator = status.get("coordinator")
                if coordinator in quiet_hosts and len(self.active) < 2 and (etcd_free or not self.lab.host(coordinator)["etcd"]):
                    target = coordinator
                    self.lab.crash(target, quiet=True)
            elif kind.startswith("etcd"):
                if etcd_free:
                    if kind == "etcd-leader-crash":
                        leader = self.lab.etcd_leader()
                        target = leader if leader in quiet_hosts else None
                    else:
                        target = self.draw_host([n for n in quiet_hosts if self.lab.host(n)["etcd"]])
                    if target:
                        if kind == "etcd-partition":
                            self.lab.etcd_partition(target)
                        else:
                            self.lab.etcd_stop(target, signal.SIGTERM if kind == "etcd-stop" else signal.SIGKILL)
            elif kind in ("kill-service", "delete-vip"):
                holder = holder_of(status)
                if holder in quiet_hosts:
                    target = holder
                    (self.lab.kill_service if kind == "kill-service" else self.lab.delete_vip)(target)
                    hold = 0
        except LabError as error:
            say(f"[{self.t():8.3f}] {kind} on {target}: {error}")
            target = None
        entry = {"t": self.t(), "fault": kind, "host": target, "hold": round(hold, 3)}
        self.trace.append(entry)
        if target is None:
            say(f"[{self.t():8.3f}] {kind}: no suitable host now (drawing again)")
            return False
        say(f"[{self.t():8.3f}] {kind} {target}" + (f" for {hold:.1f} s" if hold else ""))
        if hold:
            self.active[target] = (kind, core.now() + hold)
        return True

    def heal(self, name, kind):
        try:
            if kind in ("crash-host", "crash-coordinator"):
                self.lab.boot(name, quiet=True)
            elif kind == "isolate-host":
                self.lab.heal(name)
                if not core.alive(self.lab.host(name).get("init")):
                    self.lab.boot(name, quiet=True)
            elif kind in ("etcd-stop", "etcd-crash", "etcd-leader-crash"):
                if self.lab.etcd_pid(name) is None:
                    self.lab.etcd_start(name)
            elif kind == "etcd-partition":
                self.lab.etcd_heal(name)
        except LabError as error:
            self.violate(f"healing {kind} on {name} failed: {error}")
        self.trace.append({"t": self.t(), "heal": kind, "host": name})
        say(f"[{self.t():8.3f}] healed {kind} on {name}")

    def reboot_reset_hosts(self):
        """A host its watchdog reset (self-fence) comes back, as a real one reboots."""
        for host in self.lab.state["hosts"]:
            if host["name"] not in self.active and not core.alive(host.get("init")):
                self.trace.append({"t": self.t(), "reboot-after-reset": host["name"]})
                say(f"[{self.t():8.3f}] {host['name']} was reset by its watchdog: rebooting it")
                self.lab.boot(host["name"], quiet=True)

    def everything_runs(self):
        status = self.lab.status()
        if not status:
            return False
        nodes = status.get("nodes", {})
        if not all(nodes.get(n, {}).get("online") for n in self.live()):
            return False
        holder = holder_of(status)
        return holder is not None and holder_of(status, "vip") == holder and analysis.steady(os.path.join(self.lab.d, "probe.log"), window=0.3)

    def check_recovered(self, healed_at, why):
        deadline = healed_at + RECOVERY_BUDGET
        while core.now() < deadline:
            if self.everything_runs():
                return True
            time.sleep(0.2)
        if not self.everything_runs():
            self.violate(f"not everything runs {RECOVERY_BUDGET:.0f} s after {why}")
            return False
        return True

    def run(self):
        watcher = threading.Thread(target=self.watch, daemon=True)
        watcher.start()
        say(f"chaos: seed {self.seed}, {self.duration:.0f} s, a fault at least every {self.every:.0f} s, {len(self.lab.state['hosts'])} hosts")
        end = self.start + self.duration
        next_fault = core.now() + self.rng.uniform(1, self.every)
        while core.now() < end:
            now = core.now()
            for name, (kind, heal_at) in list(self.active.items()):
                if now >= heal_at:
                    del self.active[name]
                    self.heal(name, kind)
                    if not self.active:
                        self.reboot_reset_hosts()
                        self.check_recovered(core.now(), f"healing {kind} on {name}")
            if now >= next_fault:
                # From when this one was due, with a second for drawing and applying it.
                self.inject()
                next_fault = next_fault + self.rng.uniform(2, max(2.0, self.every - 1))
            time.sleep(0.05)
        for name, (kind, _) in list(self.active.items()):
            del self.active[name]
            self.heal(name, kind)
        self.reboot_reset_hosts()
        self.check_recovered(core.now(), "the run's last heal")
        self.stop.set()
        watcher.join()
        finished = core.now()
        dupes = analysis.duplicates(os.path.join(self.lab.d, "watch.log"), since=self.start, until=finished)
        for interval in dupes:
            self.violate(f"two hosts held the VIP ({interval['view']}): {', '.join(interval['hosts'])} from t={interval['from'] - self.start:.3f}")
        attempts = [a for a in analysis.probes(os.path.join(self.lab.d, "probe.log")) if self.start <= a[0] <= finished]
        answered = sum(1 for a in attempts if a[2])
        report = {
            "seed": self.seed, "hosts": len(self.lab.state["hosts"]), "duration": round(finished - self.start, 1),
            "availability": round(answered / len(attempts), 5) if attempts else None, "probes": len(attempts), "answered": answered,
            "faults": [e for e in self.trace if "fault" in e and e["host"]], "skipped": sum(1 for e in self.trace if "fault" in e and not e["host"]),
            "violations": self.violations, "trace": self.trace,
        }
        say(f"chaos: seed {self.seed}: {len(report['faults'])} faults, availability {report['availability']}, "
            f"{len(self.violations)} invariant violations")
        return report


def run(lab, seed, duration, every):
    core.enter_netns(lab.client)
    return Chaos(lab, seed, duration, every).run()
