#!/usr/bin/env python3
"""The sample web service of the demo, the agent tests and lab/bench-agents.py: answers GET / with 200.

Usage: demo-web.py PORT PIDFILE. Writes its PID to PIDFILE so the demo can crash it."""
import http.server
import os
import sys

port, pidfile = int(sys.argv[1]), sys.argv[2]
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"served by pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
