"""State file, processes by PID (with their start time, so a reused PID is never
signalled), commands without a shell, and the clock every log of the lab shares."""
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

LAB_ROOT = os.environ.get("VIGIL_LAB_DIR", "/tmp/vigil-lab")
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # lab/
REPO = os.path.dirname(HERE)


class LabError(Exception):
    """A failure the lab reports to its user as one line."""


def now():
    """CLOCK_MONOTONIC seconds: the one clock of every log the lab writes (it is the same
    in every namespace)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def run(argv, check=True, capture=True, timeout=60):
    """Runs a command (never through a shell); returns its stdout."""
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=capture, text=True, timeout=timeout)
    except FileNotFoundError:
        raise LabError(f"{argv[0]}: not found")
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(argv)}: no answer in {timeout} s")
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip().splitlines()
        raise LabError(f"{' '.join(argv)} exited {result.returncode}: {detail[-1] if detail else ''}")
    return result.stdout if capture else ""


def spawn(argv, log_path, env=None):
    """Starts a long-running process detached from the caller (own session), output to
    `log_path`; returns its PID."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, env=env)
    return process.pid


# MARK: - Processes by PID

def stat_fields(pid):
    """/proc/PID/stat's fields after the command name (which may hold spaces), from the
    state (field 3) on; None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def start_time(pid):
    """The process's start time in clock ticks (field 22 of /proc/PID/stat), None when it
    is gone or a zombie."""
    fields = stat_fields(pid)
    if fields is None or fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def record(pid, role):
    """What the state file keeps of a process: enough to signal it and never a stranger."""
    return {"pid": pid, "start": start_time(pid), "role": role}


def alive(rec):
    return rec is not None and rec.get("start") is not None and start_time(rec["pid"]) == rec["start"]


def signal_process(rec, sig):
    """Signals the recorded process if it is still that process; returns whether it was."""
    if not alive(rec):
        return False
    try:
        os.kill(rec["pid"], sig)
        return True
    except ProcessLookupError:
        return False


def kill_and_wait(rec, sig=signal.SIGKILL, timeout=10.0):
    if not signal_process(rec, sig):
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(rec):
            return True
        time.sleep(0.01)
    return not alive(rec)


def children(pid):
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return found


def descendants(pid):
    """Every process below `pid` (host PIDs), breadth first."""
    queue, found = [pid], []
    while queue:
        for child in children(queue.pop(0)):
            found.append(child)
            queue.append(child)
    return found


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [part.decode(errors="replace") for part in f.read().split(b"\0") if part]
    except OSError:
        return []


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def age_seconds(pid):
    """How long the process has run (its start time in /proc/<pid>/stat against uptime)."""
    fields = stat_fields(pid)
    if fields is None:
        return None
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """User + system CPU time of the process, in clock ticks."""
    fields = stat_fields(pid)
    return None if fields is None else int(fields[11]) + int(fields[12])


# MARK: - Network namespaces

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def enter_netns(name):
    """Moves this (single-threaded) process into network namespace `name`: the lab's
    drivers talk to 198.18.x.y from the client namespace, and so do the commands they run."""
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise LabError(f"setns {name}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)


# MARK: - State

class State:
    """The lab's state file: what was made, so that `down` removes it even after the lab
    script itself crashed half-way."""

    def __init__(self, name):
        self.name = name
        self.directory = os.path.join(LAB_ROOT, name)
        self.path = os.path.join(self.directory, "state.json")
        self.data = {}

    def exists(self):
        return os.path.exists(self.path)

    def load(self):
        if not self.exists():
            raise LabError(f"no lab '{self.name}' ({self.path} does not exist): `vlab up N` first")
        with open(self.path) as f:
            self.data = json.load(f)
        return self

    def save(self):
        os.makedirs(self.directory, exist_ok=True)
        temporary = self.path + ".tmp"
        with open(temporary, "w") as f:
            json.dump(self.data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)

    def __setitem__(self, key, value):
        self.data[key] = value

    def event(self, text):
        """Appends to the lab's fault timeline (monotonic and wall-clock seconds: the agents
        log wall-clock time), read by the analyses."""
        with open(os.path.join(self.directory, "events.log"), "a") as f:
            f.write(f"{now():.6f} {time.time():.6f} {text}\n")


def say(text):
    print(text, flush=True)


def fail(text):
    print(f"vlab: {text}", file=sys.stderr, flush=True)
    sys.exit(1)
