#!/bin/sh
# A `process` resource that is hard to stop (Vigil tests): it forks a daemon into a session
# of its own that ignores SIGTERM, then waits. Stopping the process group ends this script
# but not the daemon; only the resource's cgroup reaches it. The daemon's command line
# names MARKER.running, so a test can count it in the process table (only it: this script's
# own command line, and its forked copy before the exec, name MARKER alone).
#   forking-daemon.sh MARKER
marker=$1
setsid /bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done' "$marker.running" </dev/null >/dev/null 2>&1 &
exec sleep 100000
