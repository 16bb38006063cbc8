#!/usr/bin/env python3
"""Probes an HTTP URL every INTERVAL seconds (each GET bounded by TIMEOUT) and appends
"<monotonic seconds> ok|fail" lines to LOG, until killed. For the lab's failover tests:
the outage after a crash is the time from the crash to the first "ok" after it.

    prober.py URL LOG [INTERVAL] [TIMEOUT]
"""
import sys
import time
import urllib.request

url, log = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 0.2
with open(log, "a", buffering=1) as out:
    while True:
        started = time.monotonic()
        try:
            urllib.request.urlopen(url, timeout=timeout).read()
            result = "ok"
        except Exception:
            result = "fail"
        out.write(f"{time.clock_gettime(time.CLOCK_MONOTONIC):.3f} {result}\n")
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
