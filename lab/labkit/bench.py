"""Benchmarks on a running lab: each case runs K trials and prints one line per trial
and a summary (min/median/p95/max). `vlab bench CASE --trials K --json FILE`.

Cases: crash-holder, crash-coordinator, crash-etcd-leader, crash-all (service,
coordinator and etcd leader on one host), kill-service, delete-vip, move, cold-start,
isolate, etcd-member, etcd-leader, idle."""
import json
import os
import signal
import statistics
import subprocess
import time

from . import analysis, core
from .cli import holder_of
from .core import LabError, say

SELF_FENCE = "self-fencing"


def summary(values):
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered) + 0.499999)) - 1))]
    return {"n": len(ordered), "min": round(ordered[0], 3), "p50": round(statistics.median(ordered), 3),
            "p95": round(p95, 3), "max": round(ordered[-1], 3)}


def wait(what, condition, timeout=90, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise LabError(f"timed out after {timeout} s waiting for {what}")


class Bench:
    def __init__(self, lab):
        self.lab = lab
        self.probe_log = os.path.join(lab.d, "probe.log")

    # MARK: - Helpers

    def live_hosts(self):
        return [h["name"] for h in self.lab.state["hosts"] if core.alive(h.get("init"))]

    def settled(self, timeout=120):
        """Waits until every live host is online, `web` runs on one host and the probe has
        been answered steadily; returns (holder, status)."""
        def ready():
            status = self.lab.status()
            if not status:
                return None
            nodes = status.get("nodes", {})
            if not all(nodes.get(name, {}).get("online") for name in self.live_hosts()):
                return None
            holder = holder_of(status)
            if holder is None or holder_of(status, "vip") != holder or not status.get("coordinator"):
                return None
            if not analysis.steady(self.probe_log, window=0.5):
                return None
            return holder, status
        return wait("a settled cluster", ready, timeout=timeout, every=0.2)

    def move_service(self, target):
        holder, _ = self.settled()
        if holder == target:
            return
        self.lab.vigil(["resource", "move", "stack", "--node", target])
        wait(f"web on {target}", lambda: (self.lab.status() and holder_of(self.lab.status()) == target), timeout=60)
        self.lab.vigil(["resource", "clear", "stack"])
        holder, _ = self.settled()
        if holder != target:
            raise LabError(f"the service left {target} after clear (on {holder})")

    def etcd_hosts(self):
        return [h["name"] for h in self.lab.state["hosts"] if h["etcd"] and core.alive(h.get("init"))]

    def fences(self):
        return {h["name"]: analysis.count_in_log(os.path.join(self.lab.host_dir(h), "agent.log"), SELF_FENCE) for h in self.lab.state["hosts"]}

    def steer(self, case):
        """Places the service (and etcd's leadership) for a crash case; returns the host
        to crash."""
        _, status = self.settled()
        coordinator = status["coordinator"]
        leader = self.lab.etcd_leader()
        etcd_hosts = self.etcd_hosts()
        names = self.live_hosts()
        if case == "crash-holder":
            choices = [n for n in names if n not in (coordinator, leader)]
            target = choices[0] if choices else [n for n in names if n != coordinator][0]
        elif case == "crash-coordinator":
            target = coordinator
            if leader == coordinator:
                self.lab.move_etcd_leader([h for h in etcd_hosts if h != coordinator][0])
        elif case == "crash-etcd-leader":
            if leader == coordinator or leader is None:
                leader = [h for h in etcd_hosts if h != coordinator][0]
                self.lab.move_etcd_leader(leader)
            target = leader
        elif case == "crash-all":
            if coordinator not in etcd_hosts:
                # The coordinator runs where there is no etcd member: crash it away until
                # one on an etcd host takes over (not measured).
                for _ in range(20):
                    self.lab.crash(coordinator, quiet=True)
                    wait("another coordinator", lambda: (self.lab.status() or {}).get("coordinator") not in (None, coordinator))
                    self.lab.boot(coordinator, quiet=True)
                    _, status = self.settled()
                    coordinator = status["coordinator"]
                    if coordinator in etcd_hosts:
                        break
            target = coordinator
            self.move_service(target)
            self.lab.move_etcd_leader(target)
        else:
            raise LabError(f"unknown crash case {case}")
        self.move_service(target)
        # Moving the service may not move the coordinator, but check the case still holds.
        _, status = self.settled()
        leader = self.lab.etcd_leader()
        shape = {"coordinator": status["coordinator"] == target, "etcd_leader": leader == target}
        return target, shape

    def restore(self):
        """After a trial that failed: every link up, etcd reachable and running, every
        host booted, no move constraint left."""
        for host in self.lab.state["hosts"]:
            try:
                self.lab.heal(host["name"])
                self.lab.etcd_heal(host["name"])
                if not core.alive(host.get("init")):
                    self.lab.boot(host["name"], quiet=True)
                elif host["etcd"] and self.lab.etcd_pid(host["name"]) is None:
                    self.lab.etcd_start(host["name"])
            except LabError as error:
                say(f"restoring {host['name']}: {error}")
        try:
            self.lab.wait_etcd()
            self.lab.vigil(["resource", "clear", "stack"], check=False)
        except LabError as error:
            say(f"restoring the lab: {error}")

    # MARK: - Cases

    def crash(self, case, trial):
        target, shape = self.steer(case)
        before = self.fences()
        fault = core.now()
        wall = time.time()
        self.lab.crash(target, quiet=True)
        wait(f"the service back after crashing {target}", lambda: analysis.recovery(self.probe_log, fault, other_than=target), timeout=60, every=0.05)
        recovered, outage, by = analysis.recovery(self.probe_log, fault, other_than=target)
        time.sleep(0.5)
        after = self.fences()
        fenced = [n for n in after if n != target and after[n] != before[n]]
        timeline = analysis.failover_timeline(self.lab, wall, target, by)
        self.lab.boot(target, quiet=True)
        return {"trial": trial, "crashed": target, "shape": shape, "recovery": round(recovered, 3), "outage": round(outage, 3),
                "new_holder": by, "self_fenced": fenced, "timeline": timeline}

    def repaired_in_place(self, trial, fault_on):
        """A fault on the holder that Vigil repairs where it is (`fault_on(host)` returns
        when the fault took effect): the first answer after it."""
        holder, _ = self.settled()
        fault = fault_on(holder)
        wait("the service back", lambda: analysis.recovery(self.probe_log, fault), timeout=30, every=0.05)
        recovered, outage, by = analysis.recovery(self.probe_log, fault)
        return {"trial": trial, "host": holder, "recovery": round(recovered, 3), "outage": round(outage, 3), "answered_by": by}

    def move(self, trial):
        holder, _ = self.settled()
        target = [n for n in self.live_hosts() if n != holder][trial % (len(self.live_hosts()) - 1)]
        fault = core.now()
        self.lab.vigil(["resource", "move", "stack", "--node", target])
        wait(f"the service on {target}", lambda: analysis.recovery(self.probe_log, fault, only=target), timeout=30, every=0.02)
        recovered, outage, _ = analysis.recovery(self.probe_log, fault, only=target)
        self.lab.vigil(["resource", "clear", "stack"])
        return {"trial": trial, "from": holder, "to": target, "recovery": round(recovered, 3), "outage": round(outage, 3)}

    def cold_start(self, trial):
        self.settled()
        names = [h["name"] for h in self.lab.state["hosts"]]
        for name in names:
            self.lab.crash(name, quiet=True)
        time.sleep(0.5)
        fault = core.now()
        self.lab.boot_many(names, quiet=True)
        booted = core.now() - fault
        wait("the service after a cold start", lambda: analysis.recovery(self.probe_log, fault), timeout=120, every=0.05)
        recovered, _, by = analysis.recovery(self.probe_log, fault)
        return {"trial": trial, "hosts": len(names), "recovery": round(recovered, 3), "boot_command": round(booted, 3), "answered_by": by}

    def isolate(self, trial):
        holder, _ = self.settled()
        before = self.fences()
        fault = core.now()
        self.lab.isolate(holder)
        wait("the service from the majority", lambda: analysis.recovery(self.probe_log, fault, other_than=holder), timeout=60, every=0.05)
        recovered, outage, by = analysis.recovery(self.probe_log, fault, other_than=holder)
        # Let the isolated host do what it will (self-fence, watchdog) before healing.
        time.sleep(3)
        isolated_fenced = self.fences()[holder] != before[holder]
        isolated_reset = not core.alive(self.lab.host(holder).get("init"))
        self.lab.heal(holder)
        time.sleep(1)
        dupes = analysis.duplicates(os.path.join(self.lab.d, "watch.log"), since=fault)
        if isolated_reset:
            self.lab.boot(holder, quiet=True)
        self.settled()
        return {"trial": trial, "isolated": holder, "recovery": round(recovered, 3), "outage": round(outage, 3), "new_holder": by,
                "isolated_self_fenced": isolated_fenced, "isolated_reset_by_watchdog": isolated_reset, "duplicates": dupes}

    def etcd_fault(self, leader, trial):
        holder, _ = self.settled()
        current = self.lab.etcd_leader()
        if leader:
            if current == holder or current is None:
                self.lab.move_etcd_leader([h for h in self.etcd_hosts() if h != holder][0])
            target = self.lab.etcd_leader()
        else:
            target = [h for h in self.etcd_hosts() if h not in (holder, current)][0]
        before = self.fences()
        fault = core.now()
        self.lab.etcd_stop(target, signal.SIGKILL)
        time.sleep(8)
        failures, gap, attempts = analysis.failed_between(self.probe_log, fault, fault + 8)
        after = self.fences()
        self.lab.etcd_start(target)
        self.lab.wait_etcd()
        return {"trial": trial, "member": target, "holder": holder, "failed_probes": len(failures), "attempts": attempts,
                "longest_gap": round(gap, 3), "self_fenced": [n for n in after if after[n] != before[n]],
                "new_leader": self.lab.etcd_leader()}

    def idle(self, seconds=60, warm_up=30):
        """Per agent RSS and CPU, etcd requests and writes per second, the database size,
        the lab's own processes' CPU and the machine's, over `seconds` of a settled cluster
        whose agents have all run `warm_up` seconds (an agent's first seconds — joining,
        probing, its start-up pages released after 20 s — are not idle)."""
        self.settled()
        hz = os.sysconf("SC_CLK_TCK")
        agents = {h["name"]: self.lab.agent_pid(h["name"]) for h in self.lab.state["hosts"]}
        youngest = min((core.age_seconds(p) or 0) for p in agents.values() if p) if any(agents.values()) else 0
        if youngest < warm_up:
            time.sleep(warm_up - youngest)
        lab_processes = [r["pid"] for r in self.lab.state.get("daemons", {}).values()] + [h["watchdog"]["pid"] for h in self.lab.state["hosts"]]
        def machine():
            with open("/proc/stat") as f:
                values = [int(v) for v in f.readline().split()[1:]]
            return sum(values), values[3] + values[4]
        def etcd_counters():
            totals = {}
            for endpoint in self.lab.endpoints:
                text = self.lab.in_client(["/usr/bin/curl", "-s", "--max-time", "2", endpoint + "/metrics"], check=False)
                for line in text.splitlines():
                    if line.startswith("#"):
                        continue
                    name = line.split("{")[0].split(" ")[0]
                    if name in ("grpc_server_msg_received_total", "grpc_server_handled_total"):
                        totals[name] = totals.get(name, 0) + float(line.split()[-1])
                    if name in ("etcd_mvcc_put_total", "etcd_mvcc_delete_total", "etcd_mvcc_txn_total", "etcd_mvcc_db_total_size_in_bytes",
                                "etcd_mvcc_db_total_size_in_use_in_bytes", "etcd_debugging_mvcc_keys_total"):
                        totals.setdefault(endpoint, {})[name] = float(line.split()[-1])
            return totals
        cpu0 = {n: core.cpu_ticks(p) for n, p in agents.items() if p}
        lab0 = sum(core.cpu_ticks(p) or 0 for p in lab_processes)
        machine0 = machine()
        etcd0 = etcd_counters()
        time.sleep(seconds)
        cpu1 = {n: core.cpu_ticks(p) for n, p in agents.items() if p}
        lab1 = sum(core.cpu_ticks(p) or 0 for p in lab_processes)
        machine1 = machine()
        etcd1 = etcd_counters()
        rss = {n: core.rss_kib(p) for n, p in agents.items() if p}
        cpu = {n: (cpu1[n] - cpu0[n]) / hz / seconds * 100 for n in cpu0 if cpu1.get(n) is not None}
        first = self.lab.endpoints[0]
        writes = sum(etcd1.get(first, {}).get(k, 0) - etcd0.get(first, {}).get(k, 0) for k in ("etcd_mvcc_put_total", "etcd_mvcc_delete_total", "etcd_mvcc_txn_total")) / seconds
        requests = (etcd1.get("grpc_server_msg_received_total", 0) - etcd0.get("grpc_server_msg_received_total", 0)) / seconds
        total, idle = machine1[0] - machine0[0], machine1[1] - machine0[1]
        result = {
            "hosts": len(self.lab.state["hosts"]), "seconds": seconds,
            "agent_rss_mib": summary([v / 1024 for v in rss.values() if v]),
            "agent_cpu_percent": summary(list(cpu.values())),
            "etcd_requests_per_s": round(requests, 1), "etcd_requests_per_s_per_agent": round(requests / max(1, len(agents)), 2),
            "etcd_writes_per_s": round(writes, 2),
            "etcd_db_bytes": etcd1.get(first, {}).get("etcd_mvcc_db_total_size_in_bytes"),
            "etcd_db_in_use_bytes": etcd1.get(first, {}).get("etcd_mvcc_db_total_size_in_use_in_bytes"),
            "etcd_keys": etcd1.get(first, {}).get("etcd_debugging_mvcc_keys_total"),
            "lab_processes_cpu_percent": round((lab1 - lab0) / hz / seconds * 100, 2),
            "machine_busy_percent_of_all_cores": round((1 - idle / total) * 100, 1) if total else None,
        }
        say(json.dumps(result))
        return result


CASES = ("crash-holder", "crash-coordinator", "crash-etcd-leader", "crash-all", "kill-service", "delete-vip", "move",
         "cold-start", "isolate", "etcd-member", "etcd-leader", "idle")


def run_case(lab, case, trials):
    if case not in CASES:
        raise LabError(f"unknown case '{case}' (one of: {', '.join(CASES)})")
    core.enter_netns(lab.client)
    bench = Bench(lab)
    if case == "idle":
        return {"case": case, "hosts": len(lab.state["hosts"]), "result": bench.idle()}
    results = []
    for trial in range(1, trials + 1):
        try:
            result = run_trial(bench, case, trial)
        except LabError as error:
            # A trial that could not complete is reported, the lab put back in order, and
            # the next trial runs.
            result = {"trial": trial, "error": str(error)}
            say(json.dumps(result))
            bench.restore()
            results.append(result)
            continue
        say(json.dumps(result))
        results.append(result)
    done = [r for r in results if "error" not in r]
    if not done:
        raise LabError(f"{case}: no trial completed")
    key = "recovery" if "recovery" in done[0] else "longest_gap"
    report = {"case": case, "hosts": len(lab.state["hosts"]), "ttl": lab.state["ttl"], "trials": done,
              "failed_trials": [r for r in results if "error" in r], key: summary([r[key] for r in done])}
    say(f"{case} ({len(lab.state['hosts'])} hosts): {key} {json.dumps(report[key])}"
        + (f"; {len(report['failed_trials'])} trials failed" if report["failed_trials"] else ""))
    return report


def run_trial(bench, case, trial):
    if case.startswith("crash-"):
        return bench.crash(case, trial)
    if case == "kill-service":
        return bench.repaired_in_place(trial, bench.lab.kill_service)
    if case == "delete-vip":
        return bench.repaired_in_place(trial, bench.lab.delete_vip)
    if case == "move":
        return bench.move(trial)
    if case == "cold-start":
        return bench.cold_start(trial)
    if case == "isolate":
        return bench.isolate(trial)
    return bench.etcd_fault(case == "etcd-leader", trial)
