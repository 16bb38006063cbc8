#!/usr/bin/env python3
"""Attacks an agent's HTTP API the way issue 10 describes, and measures what a load
balancer's health check sees meanwhile.

usage: api-flood.py HOST PORT IDLE WORKERS SECONDS HEALTH_PATH OUT.json

- IDLE connections are opened and held without sending anything; one the server closes
  is counted and opened again (an attacker keeps them up).
- WORKERS processes each send GET /v1/status back to back on a keep-alive connection, until
  the measurement ends.
- The main process first asks HEALTH_PATH until it answers (timeout 5 s each): the server
  accepts connections in order, so this first answer waits behind the burst of IDLE connects;
  the time it took is "burst_absorbed_ms". Then, for SECONDS, it opens a new connection every
  20 ms and asks HEALTH_PATH, timing connect → full answer (a failure counts as 1 s).
Writes {"status_requests", "burst_absorbed_ms", "health_ms": [...], "health_errors",
"idle_closed_by_server", "idle_open_at_end"} to OUT.json. Traffic goes to HOST only (127.0.0.1 in the tests).
"""
import http.client
import json
import multiprocessing
import resource
import selectors
import socket
import sys
import time


def flood(host, port, stop, counter):
    count = 0
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/v1/status")
            response = conn.getresponse()
            response.read()
            count += 1
        except Exception:
            conn = None
    with counter.get_lock():
        counter.value += count


def open_idle(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((host, port))
    except BlockingIOError:
        pass
    return s


def main():
    host, port, idle, workers, seconds, health_path, out = sys.argv[1:8]
    port, idle, workers, seconds = int(port), int(idle), int(workers), float(seconds)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, idle + 1024)), hard))
    selector = selectors.DefaultSelector()
    for _ in range(idle):
        selector.register(open_idle(host, port), selectors.EVENT_READ)
    counter = multiprocessing.Value("l", 0)
    stop = multiprocessing.Event()
    floods = [multiprocessing.Process(target=flood, args=(host, port, stop, counter)) for _ in range(workers)]
    for process in floods:
        process.start()
    burst_started = time.monotonic()
    burst_absorbed_ms = None
    while burst_absorbed_ms is None and time.monotonic() - burst_started < 30:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", health_path)
            conn.getresponse().read()
            conn.close()
            burst_absorbed_ms = (time.monotonic() - burst_started) * 1000
        except Exception:
            pass
    health = []
    errors = 0
    closed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=1)
            conn.request("GET", health_path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status >= 500 and response.status != 503:
                errors += 1
            health.append((time.monotonic() - started) * 1000)
        except Exception:
            errors += 1
            health.append(1000.0)
        # Idle connections the server closed: count them and open new ones.
        for key, _ in selector.select(timeout=0):
            sock = key.fileobj
            try:
                data = sock.recv(1)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data == b"":
                closed += 1
                selector.unregister(sock)
                sock.close()
                selector.register(open_idle(host, port), selectors.EVENT_READ)
        time.sleep(max(0.0, 0.02 - (time.monotonic() - started)))
    stop.set()
    for process in floods:
        process.join()
    open_at_end = len(selector.get_map())
    with open(out, "w") as f:
        json.dump({"status_requests": counter.value, "burst_absorbed_ms": burst_absorbed_ms, "health_ms": health, "health_errors": errors,
                   "idle_closed_by_server": closed, "idle_open_at_end": open_at_end}, f)


if __name__ == "__main__":
    main()
