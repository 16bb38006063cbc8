"""Reading the lab's logs: the client probe's answers, the detector's view of the VIP,
the fault timeline and the agents' own logs."""
import datetime
import os
import re


def probes(path, since=None):
    """The probe's attempts, sorted by send time: (sent, ended, ok, host-or-reason)."""
    found = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 4:
                    continue
                sent, ended = float(parts[0]), float(parts[1])
                if since is not None and sent < since:
                    continue
                found.append((sent, ended, parts[2] == "ok", parts[3]))
    except OSError:
        pass
    found.sort()
    return found


def recovery(path, fault, other_than=None, only=None):
    """After a fault at `fault`: (recovery, outage, answered-by) — recovery is the first
    good answer to an attempt sent after the fault (from another host than `other_than`,
    or from `only`) minus the fault time; outage is that answer minus the last good
    answer before the fault. None while there is no such answer."""
    attempts = probes(path)
    before = [ended for sent, ended, ok, _ in attempts if ok and ended <= fault]
    for sent, ended, ok, host in attempts:
        if sent < fault or not ok:
            continue
        if other_than is not None and host == other_than:
            continue
        if only is not None and host != only:
            continue
        first = min(e for s, e, o, h in attempts if s >= fault and o and (other_than is None or h != other_than) and (only is None or h == only))
        return first - fault, first - (before[-1] if before else fault), host
    return None


def steady(path, window=0.5, now=None):
    """Whether every attempt sent in the last `window` seconds (at least 3) was answered."""
    attempts = [a for a in probes(path) if now is None or a[0] <= now]
    if not attempts:
        return False
    last = attempts[-1][0]
    recent = [a for a in attempts if a[0] >= last - window]
    return len(recent) >= 3 and all(a[2] for a in recent)


def failed_between(path, start, end):
    """Attempts sent in [start, end] that got no good answer, and the longest gap between
    good answers in that window."""
    attempts = [a for a in probes(path) if start <= a[0] <= end]
    failures = [a for a in attempts if not a[2]]
    good = sorted(a[1] for a in attempts if a[2])
    gap = max((b - a for a, b in zip(good, good[1:])), default=0.0)
    return failures, gap, len(attempts)


def vip_holders(path):
    """The detector's changes: [(time, "arp"|"addr", [hosts])]."""
    changes = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[1] in ("arp", "addr"):
                    hosts = [] if parts[2] == "-" else parts[2].split(",")
                    changes.append((float(parts[0]), parts[1], hosts))
    except OSError:
        pass
    return changes


def duplicates(path, since=None, until=None):
    """Intervals in which two hosts answered ARP for the VIP, or carried it: a list of
    {"view", "from", "to", "hosts"} (`to` None while it lasts)."""
    intervals = []
    open_interval = {}
    for time, view, hosts in vip_holders(path):
        if len(hosts) >= 2 and view not in open_interval:
            open_interval[view] = {"view": view, "from": time, "to": None, "hosts": hosts}
        elif len(hosts) < 2 and view in open_interval:
            interval = open_interval.pop(view)
            interval["to"] = time
            intervals.append(interval)
    intervals += open_interval.values()
    return [i for i in intervals if (since is None or (i["to"] or float("inf")) >= since) and (until is None or i["from"] <= until)]


AGENT_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z (\w+) vigil\.agent: (.*)$")


def agent_lines(path, since_wall=None):
    """(wall-clock seconds, level, text) of an agent log."""
    found = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                match = AGENT_LINE.match(line.rstrip("\n"))
                if not match:
                    continue
                stamp = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
                if since_wall is None or stamp >= since_wall:
                    found.append((stamp, match.group(2), match.group(3)))
    except OSError:
        pass
    return found


def count_in_log(path, needle):
    try:
        with open(path, errors="replace") as f:
            return f.read().count(needle)
    except OSError:
        return 0


def last_event(directory, kind):
    """(monotonic, wall) of the latest `kind` event of the lab's timeline."""
    found = None
    try:
        with open(os.path.join(directory, "events.log")) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2] == kind:
                    found = (float(parts[0]), float(parts[1]))
    except OSError:
        pass
    return found


def failover_timeline(lab, fault_wall, crashed, new_holder):
    """Where the time went after a crash at `fault_wall` (seconds after the fault, from
    the agents' logs): the coordinator's reaction to the lost node (released / lease
    gone), the assignment, the VIP start and the service start on the new holder."""
    marks = {}
    for host in lab.state["hosts"]:
        if host["name"] == crashed:
            continue
        for stamp, _, text in agent_lines(os.path.join(lab.host_dir(host), "agent.log"), since_wall=fault_wall):
            offset = round(stamp - fault_wall, 3)
            if "elected coordinator" in text:
                marks.setdefault("new coordinator elected", offset)
            if f"target={crashed}" in text and ("released" in text or "lost" in text):
                marks.setdefault("lost node counted stopped", offset)
            if "resource=vip" in text and "assigned" in text and f"{new_holder}=started" in text:
                marks.setdefault("vip assigned", offset)
            if host["name"] == new_holder and "vip added" in text:
                marks.setdefault("vip added", offset)
            if host["name"] == new_holder and "resource=web" in text and "start done" in text:
                marks.setdefault("web started", offset)
    return marks
