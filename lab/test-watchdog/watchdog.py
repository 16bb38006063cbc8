#!/usr/bin/env python3
"""A test watchdog device for `vigil agent --watchdog FIFO --watchdog-timeout T`.

It behaves like a Linux watchdog, with "reset the machine" meaning SIGKILL to the test
node's process (`unshare --pid --fork --kill-child --mount-proc ...`, so its whole PID namespace dies):

- the first byte written arms it; every byte feeds it;
- 'V' disarms it (the agent's magic close, written only when nothing exclusive runs);
- closing without 'V', or the writer dying, leaves it armed;
- armed and not fed for TIMEOUT seconds: it kills the node and logs "reset".

    watchdog.py FIFO TIMEOUT TARGET-PID-FILE LOG [CGROUP]

TARGET-PID-FILE holds the host PID of the node (rewritten by the test when it restarts
the node); it is read on every feed. A node that is already dead is not reset again.
CGROUP, for a test node that is not a PID namespace: its cgroup directory, whose every
process is killed on a reset too (cgroup.kill on it and each cgroup below it).
The script runs until it is killed (by the test, by PID).
"""
import os
import select
import signal
import sys
import time


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def log(path, text):
    with open(path, "a") as f:
        f.write(f"{time.time():.3f} {text}\n")


def read_target(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def kill_cgroup(root):
    killed = []
    for directory, _, _ in os.walk(root):
        try:
            with open(os.path.join(directory, "cgroup.procs")) as f:
                killed += f.read().split()
            with open(os.path.join(directory, "cgroup.kill"), "w") as f:
                f.write("1")
        except OSError:
            pass
    return killed


def main():
    fifo, timeout, target_file, log_path = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
    # A kernel watchdog's timer is not delayed by a busy machine; this one must not be
    # either (agents count on it firing within a tenth of their self-fence margin): it
    # runs at real-time priority (the tests run as root).
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(20))
    except (AttributeError, PermissionError, OSError):
        pass
    cgroup = sys.argv[5] if len(sys.argv) > 5 else None
    if not os.path.exists(fifo):
        os.mkfifo(fifo, 0o600)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    # A writer of our own keeps the FIFO open, so reads block in select instead of
    # returning end-of-file whenever the agent is not connected.
    keeper = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    armed = False
    last = time.monotonic()
    target = None
    log(log_path, "ready")
    while True:
        wait = max(0.0, last + timeout - time.monotonic()) if armed else 1.0
        ready, _, _ = select.select([reader], [], [], min(wait, 0.05) if armed else wait)
        now = time.monotonic()
        if ready:
            data = os.read(reader, 4096)
            for byte in data:
                if byte == ord("V"):
                    if armed:
                        log(log_path, "disarmed")
                    armed = False
                else:
                    if not armed:
                        log(log_path, "armed")
                    armed = True
                    last = now
                    target = read_target(target_file) or target
        if armed and now - last > timeout:
            armed = False
            processes = kill_cgroup(cgroup) if cgroup else []
            if target is not None and alive(target):
                log(log_path, f"reset: not fed for {now - last:.3f}s, killing {target} {processes}")
                # Its child first: the PID namespace's init, whose death ends the namespace
                # (the wrapper's --kill-child was seen to leave it running).
                for child in children(target):
                    try:
                        os.kill(child, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                os.kill(target, signal.SIGKILL)
            elif processes:
                log(log_path, f"reset: not fed for {now - last:.3f}s, killing the node's processes {processes}")
            else:
                log(log_path, f"expired: node {target} already gone")
    os.close(keeper)


if __name__ == "__main__":
    main()
