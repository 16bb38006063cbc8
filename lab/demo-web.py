#!/usr/bin/env python3
"""The sample web service of the demo, the agent tests, lab/bench-agents.py and the lab: answers
GET / with 200 and "<host name> served by pid <pid>".

Usage: demo-web.py PORT PIDFILE [ADDRESS]. Listens on ADDRESS (default 127.0.0.1; 0.0.0.0 for
a virtual IP in the lab's network namespaces). Writes its PID to PIDFILE so the demo can crash it."""
import http.server
import os
import socket
import sys

port, pidfile = int(sys.argv[1]), sys.argv[2]
address = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{socket.gethostname()} served by pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer((address, port), Handler).serve_forever()
