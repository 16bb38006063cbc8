#!/bin/sh
# A `process` resource that is hard to stop (Vigil tests): it forks a daemon into a session
# of its own that ignores SIGTERM, then waits. Stopping the process group ends this script
# but not the daemon; only the resource's cgroup reaches it. The daemon's command line
# names MARKER, so a test can count it in the process table.
#   forking-daemon.sh MARKER
marker=$1
setsid /bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done' "$marker" </dev/null >/dev/null 2>&1 &
exec sleep 100000
