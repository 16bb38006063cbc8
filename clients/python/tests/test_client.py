"""The client against a real agent and a real etcd."""

import os
import time

import pytest

from vigil_client import (Conflict, Forbidden, InvalidConfiguration, LeadershipLost, NotFound, Unauthorized,
                          VigilClient)


def test_status_names_the_node(client):
    status = client.status()
    assert status["node"] == "n1"
    assert "n1" in status["nodes"]


def test_a_fragment_is_applied_shown_and_removed(client):
    yaml_text = "resources:\n  - {name: py-web, agent: process, params: {command: [/bin/sleep, '1000']}}\n"
    applied = client.apply_fragment("pyowner", yaml_text)
    assert applied["revision"] > 0
    assert any("py-web" in action for action in applied["actions"])
    assert client.fragment("pyowner")["yaml"] == yaml_text
    assert client.config()["owners"]["py-web"] == "pyowner"
    assert "pyowner" in client.fragments()
    client.remove_fragment("pyowner")
    with pytest.raises(NotFound):
        client.fragment("pyowner")


def test_a_broken_fragment_names_its_line_and_writes_nothing(client):
    before = client.config()["hash"]
    with pytest.raises(InvalidConfiguration) as caught:
        client.apply_fragment("broken", "resources:\n  - name: x\n    agent: process\n    migration-threshold: lots\n")
    diagnostics = caught.value.diagnostics
    assert any(d["file"] == "fragment broken" and d["line"] == 4 for d in diagnostics), diagnostics
    assert client.config()["hash"] == before


def test_a_wrong_token_is_refused_and_logged_without_the_token(cluster):
    bad = os.path.join(cluster.work, "bad-token")
    with open(bad, "w") as f:
        f.write("not-the-token-at-all\n")
    with pytest.raises(Unauthorized):
        VigilClient(cluster.url, token_file=bad).apply_fragment("x", "resources: []\n")
    with pytest.raises(Unauthorized):
        VigilClient(cluster.url).standby("n1")
    log = cluster.log("n1")
    assert "API request refused" in log and "127.0.0.1" in log
    assert cluster.token not in log and "not-the-token-at-all" not in log


def test_leadership_is_exclusive_renewable_and_released(client):
    first = client.acquire_leadership("py-job", ttl=2, holder="one")
    assert first.token > 0
    with pytest.raises(Conflict):
        client.acquire_leadership("py-job", ttl=2, holder="two")
    assert client.leader("py-job") == {"holder": "one", "token": first.token}
    first.renew()
    first.release()
    assert client.leader("py-job") is None
    with client.acquire_leadership("py-job", ttl=2, holder="two") as second:
        assert second.token > first.token
        with pytest.raises(LeadershipLost):
            first.renew()


def test_a_leadership_that_is_not_renewed_is_lost(client):
    held = client.acquire_leadership("py-expiring", ttl=1, holder="sleepy")
    deadline = time.monotonic() + 10
    while client.leader("py-expiring") is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.leader("py-expiring") is None
    with pytest.raises(LeadershipLost):
        held.renew()


def test_a_health_report_is_served_until_withdrawn(client):
    client.report_health("py-api", True, "ok", ttl=5)
    assert client.health("py-api")[0] == 200
    client.report_health("py-api", False, "backend down", ttl=5)
    status, text = client.health("py-api")
    assert status == 503 and "backend down" in text
    client.withdraw_health("py-api")
    assert client.health("py-api")[0] == 404


def test_node_and_resource_commands(client):
    assert client.standby("n1")["standby"] is True
    assert client.online("n1")["standby"] is False
    with pytest.raises(NotFound):
        client.standby("no-such-node")
    client.apply_fragment("cmds", "resources:\n  - {name: py-cmd, agent: process, params: {command: [/bin/sleep, '1000']}}\n")
    try:
        assert client.move("py-cmd", "n1")["prefer"] == "n1"
        assert client.clear("py-cmd")["bans"] == []
        assert client.cleanup("py-cmd") == 0
    finally:
        client.clear("py-cmd")
        client.remove_fragment("cmds")


def test_an_agent_without_a_token_file_refuses_writes(cluster):
    url = cluster.start_agent("n9", token=False)
    with pytest.raises(Forbidden):
        VigilClient(url, token_file=cluster.token_file).standby("n1")
    assert VigilClient(url).status()["node"] == "n9"
