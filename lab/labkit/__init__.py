"""The multi-host lab: hosts in network, PID, mount and UTS namespaces on a bridge of
their own, with etcd, `vigil agent`, a client probe and a duplicate-VIP detector.

Driven by `lab/vlab` (see `lab/vlab --help` and docs/lab.md)."""
