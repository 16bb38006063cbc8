#!/usr/bin/python3
"""A network power switch for tests: the "hardware" behind lab/test-fence/fence_vigiltest.

  power-switch.py PORT_FILE PID_DIR LOG

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening). One request per
connection, one line: "ACTION PLUG" (off, on, reboot, status). A plug is a test node; its
power is the PID namespace of that node, whose PID 1 (host PID) the test writes to
PID_DIR/PLUG.pid. off and reboot SIGKILL that PID — the kernel then kills every process of
the namespace — and answer only once it has exited, as a real switch confirms the outlet
is off. on is accepted and does nothing (the test restarts a node itself). Every request
is appended to LOG. Answers: "OK", "ON", "OFF" or "ERROR reason"."""
import os, signal, socketserver, sys, time

port_file, pid_dir, log_path = sys.argv[1:4]


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def powered(pid):
    return state(pid) not in (None, "Z", "X")


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        words = self.rfile.readline().decode().split()
        if len(words) != 2:
            self.reply("ERROR expected: ACTION PLUG")
            return
        action, plug = words
        with open(log_path, "a") as log:
            log.write(f"{time.time():.3f} {action} {plug}\n")
        try:
            with open(os.path.join(pid_dir, f"{plug}.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            self.reply(f"ERROR unknown plug {plug}")
            return
        if action == "status":
            self.reply("ON" if powered(pid) else "OFF")
        elif action == "on":
            self.reply("OK")
        elif action in ("off", "reboot"):
            if powered(pid):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while powered(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.reply("ERROR still powered" if powered(pid) else "OK")
        else:
            self.reply(f"ERROR unknown action {action}")

    def reply(self, text):
        self.wfile.write((text + "\n").encode())


server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
