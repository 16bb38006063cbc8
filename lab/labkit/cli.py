"""vlab's command line (usage in lab/vlab)."""
import argparse
import json
import os
import signal
import sys

from . import core
from .core import LabError, say
from .lab import Lab


def resolve(lab, target):
    """A host name, or `holder`, `coordinator`, `etcd-leader` (asked of the cluster now)."""
    if target in ("holder", "coordinator"):
        status = lab.status() or {}
        if target == "coordinator":
            found = status.get("coordinator")
        else:
            found = holder_of(status)
        if not found:
            raise LabError(f"no {target} now")
        return found
    if target in ("etcd-leader", "leader"):
        found = lab.etcd_leader()
        if not found:
            raise LabError("no etcd leader now")
        return found
    return lab.host(target)["name"]


def holder_of(status, resource="web"):
    started = sorted(node for node, state in (status.get("resources", {}).get(resource) or {}).items() if state == "started")
    return started[0] if len(started) == 1 else None


def show_status(lab):
    state = lab.state
    status = lab.status() or {}
    leader = lab.etcd_leader()
    say(f"lab '{state.name}': {len(state['hosts'])} hosts, state {state.directory}")
    say(f"coordinator: {status.get('coordinator') or '-'}   etcd leader: {leader or '-'}   web on: {holder_of(status) or '-'}")
    nodes = status.get("nodes", {})
    for host in state["hosts"]:
        up = core.alive(host.get("init"))
        node = nodes.get(host["name"], {})
        flags = [k for k in ("online", "standby", "unclean") if node.get(k)]
        say(f"  {host['name']:>4} {host['address']:<14} {'up  ' if up else 'DOWN'} init {host['init']['pid'] if up else '-':<7} "
            f"{'etcd ' if host['etcd'] else '     '}{' '.join(flags)}")


def main(argv):
    parser = argparse.ArgumentParser(prog="vlab", description="Vigil's multi-host lab (see lab/vlab and docs/lab.md)")
    parser.add_argument("--lab", default=os.environ.get("VIGIL_LAB_NAME", "lab"), help="the lab's name (default: lab)")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="create N hosts, etcd, agents, the service, the probe and the detector")
    up.add_argument("hosts", type=int)
    up.add_argument("--vigil", default=os.path.join(core.REPO, ".build", "release", "vigil"))
    up.add_argument("--ttl", default="2s", help="node-loss-timeout (default 2s)")
    up.add_argument("--etcd-election", type=int, default=250, help="etcd election timeout in ms (heartbeat a tenth)")
    up.add_argument("--monitor", default="1s", help="monitor interval of vip and web")
    up.add_argument("--no-probe", action="store_true", help="no client probe, no detector")
    commands.add_parser("down", help="remove everything the lab made")
    commands.add_parser("status", help="hosts, coordinator, etcd leader, holder")
    for verb in ("crash", "reboot", "isolate", "heal", "kill-service", "delete-vip"):
        command = commands.add_parser(verb)
        command.add_argument("host", nargs="?" if verb in ("kill-service", "delete-vip") else None, default="holder")
    etcd = commands.add_parser("etcd", help="a fault of one etcd member")
    etcd.add_argument("action", choices=["stop", "crash", "start", "partition", "heal"])
    etcd.add_argument("host")
    vigil = commands.add_parser("vigil", help="run vigil in the client namespace against the lab")
    vigil.add_argument("arguments", nargs=argparse.REMAINDER)
    execute = commands.add_parser("exec", help="run a command in a host's namespaces")
    execute.add_argument("host")
    execute.add_argument("arguments", nargs=argparse.REMAINDER)
    bench = commands.add_parser("bench", help="measure one case (see labkit/bench.py)")
    bench.add_argument("case")
    bench.add_argument("--trials", type=int, default=10)
    bench.add_argument("--json", help="append the results to this file (JSON lines)")
    chaos = commands.add_parser("chaos", help="seeded random faults with invariants checked throughout")
    chaos.add_argument("--seed", type=int, required=True)
    chaos.add_argument("--duration", type=float, default=600)
    chaos.add_argument("--every", type=float, default=15, help="at most this long between faults (s)")
    chaos.add_argument("--json", help="write the report here")
    # Internal: the hosts' PID 1 and the client's daemons.
    for internal in ("_init", "_probe", "_watch"):
        command = commands.add_parser(internal)
        command.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        run(args)
    except LabError as error:
        core.fail(str(error))
    except KeyboardInterrupt:
        core.fail("interrupted")


def run(args):
    from . import daemons
    if args.command == "_init":
        return daemons.host_init(*args.arguments)
    if args.command == "_probe":
        return daemons.probe(*args.arguments)
    if args.command == "_watch":
        return daemons.watch(*args.arguments)
    if os.geteuid() != 0:
        raise LabError("the lab makes namespaces: run it as root")
    lab = Lab(args.lab)
    if args.command == "up":
        try:
            lab.up(args.hosts, args.vigil, ttl=args.ttl, election_ms=args.etcd_election, monitor=args.monitor, probe=not args.no_probe)
        except BaseException:
            print("vlab: up failed; removing what it made", file=sys.stderr)
            lab.down()
            raise
        return
    if args.command == "down":
        return lab.down()
    lab.state.load()
    if args.command == "status":
        return show_status(lab)
    if args.command == "crash":
        return lab.crash(resolve(lab, args.host))
    if args.command == "reboot":
        return lab.boot(lab.host(args.host)["name"])
    if args.command == "isolate":
        return lab.isolate(resolve(lab, args.host))
    if args.command == "heal":
        targets = [h["name"] for h in lab.state["hosts"]] if args.host == "all" else [lab.host(args.host)["name"]]
        for name in targets:
            lab.heal(name)
        return
    if args.command == "kill-service":
        return lab.kill_service(resolve(lab, args.host))
    if args.command == "delete-vip":
        return lab.delete_vip(resolve(lab, args.host))
    if args.command == "etcd":
        name = resolve(lab, args.host)
        action = {"stop": lambda: lab.etcd_stop(name), "crash": lambda: lab.etcd_stop(name, signal.SIGKILL),
                  "start": lambda: lab.etcd_start(name), "partition": lambda: lab.etcd_partition(name),
                  "heal": lambda: lab.etcd_heal(name)}[args.action]
        return action()
    if args.command == "vigil":
        sys.stdout.write(lab.vigil(args.arguments, check=True))
        return
    if args.command == "exec":
        host = lab.host(args.host)
        if not core.alive(host.get("init")):
            raise LabError(f"{host['name']} is down")
        os.execv("/usr/bin/nsenter", ["nsenter", "-t", str(host["init"]["pid"]), "-n", "-m", "-u", "-p", "--"] + args.arguments)
    if args.command == "bench":
        from . import bench
        results = bench.run_case(lab, args.case, args.trials)
        if args.json:
            with open(args.json, "a") as f:
                f.write(json.dumps(results) + "\n")
        return
    if args.command == "chaos":
        from . import chaos
        report = chaos.run(lab, args.seed, args.duration, args.every)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
        if report["violations"]:
            sys.exit(1)
        return
