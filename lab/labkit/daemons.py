"""The lab's small daemons: a host's PID 1, the client probe and the duplicate-VIP
detector. Each writes lines that start with CLOCK_MONOTONIC seconds."""
import ctypes
import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

from . import core


# MARK: - A host's PID 1

def host_init(directory):
    """PID 1 of a host's PID, mount and UTS namespaces: a fresh /run (tmpfs), the host
    name, then the host's services from boot.json; reaps everything until it is killed."""
    with open(os.path.join(directory, "boot.json")) as f:
        boot = json.load(f)
    subprocess.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"], check=True)
    os.makedirs("/run/vigil", exist_ok=True)
    socket.sethostname(boot["hostname"])
    services = {}
    for service in boot["services"]:
        # The first boot's agents wait for the configuration (their lease TTL is the
        # node-loss-timeout they find when they start).
        while service.get("after") and not os.path.exists(service["after"]):
            time.sleep(0.01)
        log = open(service["log"], "ab")
        niceness = service.get("nice", 0)
        process = subprocess.Popen(service["argv"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   preexec_fn=(lambda: os.nice(niceness)) if niceness else None)
        log.close()
        services[process.pid] = service["name"]
        print(f"{core.now():.6f} started {service['name']} pid {process.pid}", flush=True)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            time.sleep(1)
            continue
        name = services.pop(pid, None)
        if name is not None:
            how = f"exit {os.waitstatus_to_exitcode(status)}"
            print(f"{core.now():.6f} exited {name} pid {pid} {how}", flush=True)


# MARK: - The client probe

def probe(url, log_path, interval=0.05, timeout=1.0):
    """Every `interval` a new TCP connection and `GET /`, bounded by `timeout`; a line per
    attempt: "<sent> <answered> ok <host>" or "<sent> <ended> fail <reason>"."""
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    port = int(port or 80)
    request = f"GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode()
    lock = threading.Lock()
    out = open(log_path, "a", buffering=1)
    running = threading.BoundedSemaphore(64)

    def attempt(sent):
        deadline = sent + timeout
        answer = None
        reason = ""
        try:
            with socket.create_connection((host, port), timeout=timeout) as connection:
                connection.sendall(request)
                data = b""
                while True:
                    left = deadline - core.now()
                    if left <= 0:
                        raise socket.timeout("timed out")
                    connection.settimeout(left)
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n", 1)[0] + b" ":
                words = body.decode(errors="replace").split()
                answer = words[0] if words else "?"
            else:
                reason = "status:" + head.split(b"\r\n", 1)[0].decode(errors="replace").replace(" ", "_")
        except socket.timeout:
            reason = "timeout"
        except ConnectionRefusedError:
            reason = "refused"
        except OSError as error:
            reason = (error.strerror or type(error).__name__).replace(" ", "_")
        ended = core.now()
        with lock:
            if answer is not None:
                out.write(f"{sent:.6f} {ended:.6f} ok {answer}\n")
            else:
                out.write(f"{sent:.6f} {ended:.6f} fail {reason}\n")
        running.release()

    next_time = core.now()
    while True:
        running.acquire()
        threading.Thread(target=attempt, args=(core.now(),), daemon=True).start()
        next_time += interval
        pause = next_time - core.now()
        if pause > 0:
            time.sleep(pause)
        else:
            next_time = core.now()


# MARK: - The duplicate-VIP detector

ETH_P_ARP = 0x0806
RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
NLMSG_DONE = 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
IFA_ADDRESS, IFA_LOCAL = 1, 2
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, core.CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def address_socket(netns, original):
    """A NETLINK_ROUTE socket in host namespace `netns`, subscribed to IPv4 address
    changes, with a dump of the current addresses requested (sockets keep the namespace
    they were made in)."""
    fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        _setns(fd)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        sock.bind((0, RTMGRP_IPV4_IFADDR))
    finally:
        _setns(original)
        os.close(fd)
    request = struct.pack("=IHHII", 16 + 8, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + struct.pack("=BBBBI", socket.AF_INET, 0, 0, 0, 0)
    sock.send(request)
    return sock


def address_changes(data, vip):
    """(added, removed) for `vip` in a batch of netlink messages; None when absent."""
    changes = []
    offset = 0
    while offset + 16 <= len(data):
        length, kind, _, _, _ = struct.unpack_from("=IHHII", data, offset)
        if length < 16:
            break
        if kind in (RTM_NEWADDR, RTM_DELADDR):
            attributes = offset + 16 + 8
            end = offset + length
            while attributes + 4 <= end:
                size, attribute = struct.unpack_from("=HH", data, attributes)
                if size < 4:
                    break
                if attribute in (IFA_LOCAL, IFA_ADDRESS) and size == 8:
                    if socket.inet_ntoa(data[attributes + 4:attributes + 8]) == vip:
                        changes.append(kind == RTM_NEWADDR)
                        break
                attributes += (size + 3) & ~3
        offset += (length + 3) & ~3
    return changes


def arp_request(mac, ip, target):
    source = bytes.fromhex(mac.replace(":", ""))
    frame = b"\xff" * 6 + source + struct.pack("!H", ETH_P_ARP)
    frame += struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + source + socket.inet_aton(ip) + b"\x00" * 6 + socket.inet_aton(target)
    return frame


def watch(vip, macs, hosts, log_path, interval=0.05):
    """Two views of who holds `vip`, each logged when it changes:
    "<t> arp <hosts>" — the hosts that answered one ARP request (sent every `interval`);
    "<t> addr <hosts>" — the hosts whose eth0 carries the address (netlink, per host).
    More than one host in either is a duplicate."""
    names = dict(item.split("=", 1) for item in macs.split(",")) if macs else {}
    namespaces = dict(item.split("=", 1) for item in hosts.split(",")) if hosts else {}
    out = open(log_path, "a", buffering=1)
    arp = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    arp.bind(("eth0", ETH_P_ARP))
    own_mac = ":".join(f"{b:02x}" for b in arp.getsockname()[4])
    own_ip = None
    for line in subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True).stdout.splitlines():
        own_ip = line.split()[3].split("/")[0]
    request = arp_request(own_mac, own_ip, vip)
    original = os.open("/proc/self/ns/net", os.O_RDONLY)
    sockets = {}
    for netns, name in namespaces.items():
        sockets[address_socket(netns, original)] = name
    holders = set()
    round_answers = set()
    last_arp = None
    next_request = core.now()
    out.write(f"{core.now():.6f} start {vip}\n")
    while True:
        timeout = max(0.0, next_request - core.now())
        ready, _, _ = select.select([arp] + list(sockets), [], [], timeout)
        for sock in ready:
            if sock is arp:
                frame = arp.recv(2048)
                if len(frame) < 42:
                    continue
                operation = struct.unpack_from("!H", frame, 20)[0]
                sender_mac = ":".join(f"{b:02x}" for b in frame[22:28])
                sender_ip = socket.inet_ntoa(frame[28:32])
                if sender_ip == vip and sender_mac != own_mac and operation in (1, 2):
                    round_answers.add(names.get(sender_mac, sender_mac))
            else:
                data = sock.recv(65536)
                changes = address_changes(data, vip)
                if changes:
                    name = sockets[sock]
                    before = set(holders)
                    for added in changes:
                        (holders.add if added else holders.discard)(name)
                    if holders != before:
                        out.write(f"{core.now():.6f} addr {','.join(sorted(holders)) or '-'}\n")
        now = core.now()
        if now >= next_request:
            answered = ",".join(sorted(round_answers)) or "-"
            if answered != last_arp:
                out.write(f"{now:.6f} arp {answered}\n")
                last_arp = answered
            round_answers = set()
            arp.send(request)
            next_request = now + interval
