"""The status page (GET /) in a real browser: Debian's headless Chromium, driven by Selenium
through Debian's chromedriver, against three real agents (each in a PID namespace of its
own, so that a node can be killed whole) and a real etcd.

The browser may reach 127.0.0.1 only: every other host name resolves to nothing and every
other connection goes to a closed local port (see `browser`). Screenshots are kept in
$VIGIL_ARTIFACTS (default .build/artifacts/status-page).
"""

import os
import secrets
import signal
import subprocess
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import ROOT, free_ports, remove_work_dir, start_etcd, vigil_binary, wait_for
from vigil_client import VigilClient

ARTIFACTS = os.environ.get("VIGIL_ARTIFACTS") or os.path.join(ROOT, ".build", "artifacts", "status-page")
NODES = ["n1", "n2", "n3"]
CONFIG = """cluster: {{name: {name}, fencing: disabled, node-loss-timeout: 1s}}
nodes:
  - {{name: n1, address: 127.0.0.1}}
  - {{name: n2, address: 127.0.0.1}}
  - {{name: n3, address: 127.0.0.1}}
resources:
  - name: web
    agent: process
    params: {{command: [/bin/sleep, "3600"]}}
    monitor: {{interval: 1s}}
    health:
      - exec: {{command: [/bin/true]}}
        interval: 500ms
"""


class PageCluster:
    """One etcd member and agents n1–n3 (with the API token) plus n4 (without one, not in
    the configuration), each agent as PID 1 of its own PID namespace."""

    def __init__(self, work):
        self.work = work
        self.name = "page-" + secrets.token_hex(4)
        self.token = secrets.token_hex(24)
        self.token_file = os.path.join(work, "api-token")
        with open(self.token_file, "w") as f:
            f.write(self.token + "\n")
        os.chmod(self.token_file, 0o600)
        self.etcd = None
        self.agents = {}
        self.urls = {}

    def start_etcd(self):
        self.endpoint, self.etcd = start_etcd(self.work)

    def start_agent(self, node, token=True):
        port = self.urls[node].rsplit(":", 1)[1] if node in self.urls else free_ports(1)[0]
        log = open(os.path.join(self.work, f"agent-{node}.log"), "a")
        argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc",
                vigil_binary(), "agent", "--node", node, "--etcd", self.endpoint, "--cluster", self.name,
                "--listen", f"127.0.0.1:{port}", "--runtime-dir", os.path.join(self.work, f"run-{node}"),
                "--cgroup-root", "off", "--log-level", "info"] + (["--api-token-file", self.token_file] if token else [])
        self.agents[node] = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.urls[node] = f"http://127.0.0.1:{port}"
        wait_for(lambda: VigilClient(self.urls[node]).health("-probe-")[0] in (404, 503), 30, f"agent {node}")
        wait_for(lambda: VigilClient(self.urls[node]).status()["node"] == node, 30, f"agent {node} to have a view")

    def kill_node(self, node):
        """SIGKILL to the agent, PID 1 of its namespace: everything in the node dies with it."""
        pid = self.agent_pid(node)
        assert pid is not None, f"{node}'s agent is not running"
        os.kill(pid, signal.SIGKILL)
        self.agents[node].wait(10)

    def status(self, node="n1"):
        return VigilClient(self.urls[node]).status()

    def holder(self, node="n1"):
        placed = self.status(node)["resources"].get("web", {})
        holders = [n for n, state in placed.items() if state == "started"]
        return holders[0] if len(holders) == 1 else None

    def agent_pid(self, node):
        """The agent's host PID: the child of `unshare` (PID 1 of the node's namespace)."""
        unshare = self.agents[node]
        try:
            with open(f"/proc/{unshare.pid}/task/{unshare.pid}/children") as f:
                children = [int(pid) for pid in f.read().split()]
        except OSError:
            return None
        return children[0] if children else None

    def stop(self):
        # SIGTERM to each agent (unshare does not pass it on): it leaves gracefully, and its
        # namespace, unshare with it, ends.
        for node, process in self.agents.items():
            pid = self.agent_pid(node) if process.poll() is None else None
            if pid is not None:
                os.kill(pid, signal.SIGTERM)
        for process in list(self.agents.values()):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if self.etcd is not None:
            if self.etcd.poll() is None:
                os.kill(self.etcd.pid, signal.SIGCONT)
                self.etcd.terminate()
            try:
                self.etcd.wait(20)
            except subprocess.TimeoutExpired:
                self.etcd.kill()
                self.etcd.wait(5)


@pytest.fixture(scope="module")
def page_cluster():
    work = tempfile.mkdtemp(prefix="vigil-page-")
    c = PageCluster(work)
    try:
        c.start_etcd()
        # Applied before any agent starts: an agent takes its lease's TTL (node-loss-timeout)
        # from the configuration it finds when it joins.
        config = os.path.join(work, "cluster.yaml")
        with open(config, "w") as f:
            f.write(CONFIG.format(name=c.name))
        subprocess.run([vigil_binary(), "config", "apply", config, "--etcd", c.endpoint, "--cluster", c.name],
                       check=True, capture_output=True)
        for node in NODES:
            c.start_agent(node)
        c.start_agent("n4", token=False)
        wait_for(lambda: c.holder() is not None, 60, "web to run on one node")
        yield c
    finally:
        c.stop()
        remove_work_dir(work)


@pytest.fixture(scope="module")
def browser():
    os.makedirs(ARTIFACTS, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="vigil-chromium-")
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
        "--window-size=1280,900", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--no-pings", "--disable-features=MediaRouter,OptimizationHints,Translate",
        # Nothing but 127.0.0.1: names resolve to nothing, other connections go to a closed port.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9",
    ]:
        options.add_argument(argument)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch a driver
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver",
                                              log_output=os.path.join(profile, "chromedriver.log")), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        subprocess.run(["rm", "-rf", profile])


def until(driver, condition, timeout, what):
    """Polls `condition(driver)` (every 50 ms) until it returns something true; a screenshot
    of the page is kept when it never does."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except WebDriverException as error:
            last = error
        time.sleep(0.05)
    shot = os.path.join(ARTIFACTS, "timeout-" + "".join(c if c.isalnum() else "-" for c in what)[:60] + ".png")
    driver.save_screenshot(shot)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (screenshot {shot})" + (f": {last}" if last else ""))


# The page redraws itself every second: everything is read in one script run (atomic with
# respect to a redraw) instead of element by element.
SNAPSHOT = """
const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent : null; };
const nodes = {};
for (const th of document.querySelectorAll('#grid th.node')) {
  nodes[th.dataset.node] = {state: th.dataset.state, coordinator: !!th.querySelector('.coordinator'),
    buttons: [...th.querySelectorAll('button[data-action]')].map(b => b.dataset.action)};
}
const cells = {};
for (const td of document.querySelectorAll('#grid td[data-resource]')) {
  (cells[td.dataset.resource] = cells[td.dataset.resource] || {})[td.dataset.node] = td.dataset.state;
}
const resourceButtons = {};
for (const th of document.querySelectorAll('#grid th.resource')) {
  resourceButtons[th.dataset.resource] = [...th.querySelectorAll('button[data-action]')].map(b => b.dataset.action);
}
return {
  nodes, cells, resourceButtons,
  summary: text('#summary'), connection: text('#connection'), actionsNote: text('#actions-note'),
  banner: document.getElementById('banner').hidden ? null : text('#banner'),
  toast: document.getElementById('toast').hidden ? null : text('#toast'),
  timeline: [...document.querySelectorAll('#timeline li')].map(li => ({kind: li.dataset.kind || null, text: li.textContent})),
  health: [...document.querySelectorAll('#health tr[data-resource]')].map(tr => ({resource: tr.dataset.resource, node: tr.dataset.node,
    cells: [...tr.querySelectorAll('td')].map(td => td.textContent)})),
  buttons: document.querySelectorAll('button[data-action]').length,
};
"""


def snapshot(driver):
    return driver.execute_script(SNAPSHOT)


def node_state(driver, node):
    return (snapshot(driver)["nodes"].get(node) or {}).get("state")


def started_on(driver):
    return sorted(node for node, state in snapshot(driver)["cells"].get("web", {}).items() if state == "started")


def click(driver, selector):
    """Clicks the element `selector` names as it is now (a script run, so a redraw cannot
    come between finding and clicking); False when there is none."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); if (!e) return false; e.click(); return true;", selector)


def test_the_page_renders_the_cluster(page_cluster, browser):
    holder = page_cluster.holder()
    browser.get(page_cluster.urls[holder] + "/")
    until(browser, lambda d: all(node_state(d, n) == "online" for n in NODES), 10, "three online nodes")
    until(browser, lambda d: started_on(d) == [holder], 10, f"web started on {holder}")
    # The probe's last check on the serving node, with its latency.
    until(browser, lambda d: [row for row in snapshot(d)["health"] if row["node"] == holder and row["resource"] == "web"],
          10, "the health table")
    # The placement in the timeline.
    until(browser, lambda d: any(e["kind"] == "assigned" and "web" in e["text"] for e in snapshot(d)["timeline"]), 10,
          "the placement in the timeline")
    page = snapshot(browser)
    assert page["summary"].startswith("4 nodes, 4 online; 1 resources: 1 running, 0 failed"), page["summary"]
    # The coordinator is marked, on exactly the node the API names.
    coordinator = page_cluster.status()["coordinator"]
    assert [n for n, node in page["nodes"].items() if node["coordinator"]] == [coordinator]
    row = next(row for row in page["health"] if row["node"] == holder and row["resource"] == "web")
    assert "healthy" in row["cells"][2] and "exec" in row["cells"][2], row
    assert row["cells"][4].endswith(" ms"), row
    assert page["connection"] == "live" and page["banner"] is None
    # Everything the page loaded came from the agent itself.
    origin = page_cluster.urls[holder]
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(name.startswith(origin + "/") for name in loaded), loaded
    browser.save_screenshot(os.path.join(ARTIFACTS, "cluster.png"))


def test_it_works_on_a_narrow_screen(page_cluster, browser):
    browser.set_window_size(375, 800)
    try:
        browser.get(page_cluster.urls["n1"] + "/")
        until(browser, lambda d: all(node_state(d, n) == "online" for n in NODES), 10, "three online nodes")
        # The page itself does not scroll sideways; the grid scrolls inside its box.
        width, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"the page is {width} px wide in a {inner} px window"
        browser.save_screenshot(os.path.join(ARTIFACTS, "narrow.png"))
    finally:
        browser.set_window_size(1280, 900)


def test_a_node_kill_shows_within_three_seconds_with_the_failover(page_cluster, browser):
    holder = page_cluster.holder()
    viewer = next(n for n in NODES if n != holder)
    browser.get(page_cluster.urls[viewer] + "/")
    until(browser, lambda d: started_on(d) == [holder], 10, f"web started on {holder}")
    before = {e["text"] for e in snapshot(browser)["timeline"]}
    coordinator = page_cluster.status(viewer)["coordinator"]
    killed_at = time.monotonic()
    page_cluster.kill_node(holder)
    until(browser, lambda d: node_state(d, holder) == "offline", 3, f"{holder} offline on the page")
    shown_offline = time.monotonic() - killed_at

    def failed_over(d):
        page = snapshot(d)
        moved = [n for n, state in page["cells"].get("web", {}).items() if state == "started" and n != holder]
        if len(moved) != 1:
            return None
        events = [e["text"] for e in page["timeline"]
                  if e["text"] not in before and e["kind"] == "assigned" and "web" in e["text"] and f"{moved[0]}=started" in e["text"]]
        return (moved[0], events[0]) if events else None

    moved, event = until(browser, failed_over, 10, "web started elsewhere, with the failover in the timeline")
    shown_moved = time.monotonic() - killed_at
    print(f"node kill: {holder} offline on the page after {shown_offline:.2f} s, web on {moved} "
          f"with the failover in the timeline after {shown_moved:.2f} s ({event!r})")
    assert shown_moved <= 3.0, f"the failover took {shown_moved:.2f} s to show"
    if coordinator != holder:
        # The coordinator saw the node go (a coordinator elected after its own node died
        # starts from what it sees, and records only the failover).
        until(browser, lambda d: [e for e in snapshot(d)["timeline"] if e["kind"] == "node-lost" and holder in e["text"]
                                  and "web" in e["text"]], 10, "the node-lost event")
    browser.save_screenshot(os.path.join(ARTIFACTS, "node-killed.png"))
    # The node comes back (its restarted agent stops what its predecessor left).
    page_cluster.start_agent(holder)
    until(browser, lambda d: node_state(d, holder) == "online", 15, f"{holder} online again")


def test_actions_are_offered_with_the_token_and_work(page_cluster, browser):
    browser.get(page_cluster.urls["n1"] + "/")
    browser.execute_script("sessionStorage.clear()")
    browser.get(page_cluster.urls["n1"] + "/")
    standby = '#grid th[data-node="n2"] button[data-action="standby"]'
    until(browser, lambda d: "standby" in (snapshot(d)["nodes"].get("n2") or {}).get("buttons", []), 10, "the standby button of n2")
    assert {"move", "clear", "cleanup"} <= set(snapshot(browser)["resourceButtons"]["web"])
    confirm_text = browser.find_element(By.ID, "confirm-text")
    # A wrong token: refused, nothing changes, the page says so.
    assert click(browser, standby)
    assert browser.find_element(By.ID, "confirm").get_attribute("open") is not None
    assert "standby" in confirm_text.text
    browser.find_element(By.ID, "confirm-token").send_keys("not-the-token-at-all")
    browser.find_element(By.ID, "confirm-ok").click()
    toast = until(browser, lambda d: snapshot(d)["toast"], 10, "the refusal")
    assert "401" in toast, toast
    assert page_cluster.status()["nodes"]["n2"]["standby"] is False
    # Cancelled: nothing is sent.
    until(browser, lambda d: click(d, standby), 10, "the standby button")
    browser.find_element(By.ID, "confirm-cancel").click()
    assert browser.find_element(By.ID, "confirm").get_attribute("open") is None
    assert page_cluster.status()["nodes"]["n2"]["standby"] is False
    # The token: n2 goes to standby, and the page shows it.
    until(browser, lambda d: click(d, standby), 10, "the standby button")
    browser.find_element(By.ID, "confirm-token").send_keys(page_cluster.token)
    browser.find_element(By.ID, "confirm-ok").click()
    until(browser, lambda d: node_state(d, "n2") == "standby", 10, "n2 in standby on the page")
    assert page_cluster.status()["nodes"]["n2"]["standby"] is True
    browser.save_screenshot(os.path.join(ARTIFACTS, "standby.png"))
    # The token is kept for the session: online needs only the confirmation.
    until(browser, lambda d: click(d, '#grid th[data-node="n2"] button[data-action="online"]'), 10, "the online button")
    assert not browser.find_element(By.ID, "confirm-token").is_displayed()
    browser.find_element(By.ID, "confirm-ok").click()
    until(browser, lambda d: node_state(d, "n2") == "online", 10, "n2 online again")
    assert page_cluster.status()["nodes"]["n2"]["standby"] is False
    events = VigilClient(page_cluster.urls["n1"], token_file=page_cluster.token_file).events(limit=20)
    assert any(e["kind"] == "node-admin" and "n2" in e["message"] for e in events), events


def test_without_a_token_no_action_is_offered(page_cluster, browser):
    browser.get(page_cluster.urls["n4"] + "/")
    until(browser, lambda d: all(node_state(d, n) == "online" for n in NODES), 10, "the cluster from n4")
    page = snapshot(browser)
    assert page["buttons"] == 0
    assert "Read-only" in page["actionsNote"]
    browser.save_screenshot(os.path.join(ARTIFACTS, "read-only.png"))


def test_the_page_says_when_its_agent_loses_etcd(page_cluster, browser):
    browser.get(page_cluster.urls["n1"] + "/")
    until(browser, lambda d: snapshot(d)["connection"] == "live", 10, "a live page")
    os.kill(page_cluster.etcd.pid, signal.SIGSTOP)
    try:
        until(browser, lambda d: snapshot(d)["connection"] == "etcd lost", 10, "the page to say etcd is lost")
        page = snapshot(browser)
        assert page["banner"] and "lost etcd" in page["banner"], page["banner"]
        # It keeps showing the last view.
        assert len(page["nodes"]) == 4 and page["cells"]["web"]
        browser.save_screenshot(os.path.join(ARTIFACTS, "etcd-lost.png"))
    finally:
        os.kill(page_cluster.etcd.pid, signal.SIGCONT)
    until(browser, lambda d: snapshot(d)["connection"] == "live", 30, "the page live again")
    assert snapshot(browser)["banner"] is None


# A status document with the Galera and RabbitMQ sections as docs/operator-guide.md shows
# them: the page's rendering of those kinds, served with the agent's own page files.
SERVICES_STATUS = {
    "node": "n1", "cluster": "svc", "local": {}, "api": {"writes": False}, "agent": {"lease_confirmed": True},
    "coordinator": "n1", "quorum": True, "failcounts": {},
    "nodes": {n: {"online": n != "n3", "standby": False, "maintenance": False, "unclean": False} for n in NODES},
    "resources": {"db": {"n1": "started", "n2": "started"}, "mq": {"n1": "started", "n2": "started"}},
    "order": {"nodes": NODES, "resources": ["db", "mq"]},
    "galera": {"db": {
        "writer": "n1",
        "bootstrapped": {"node": "n1", "at": "2026-11-25T09:00:00Z", "mode": "new-cluster", "forced": False,
                         "by": "coordinator n1", "pending": False},
        "nodes": {"n1": {"state": "Synced", "seqno": 1234, "size": 2}, "n2": {"state": "Donor", "seqno": 1230, "size": 2},
                  "n3": {"state": "down", "seqno": 1200, "size": None, "known": False}}}},
    "rabbitmq": {"mq": {
        "nodes": {"n1": {"nodename": "rabbit@n1", "state": "running", "members": ["rabbit@n1", "rabbit@n2", "rabbit@n3"],
                         "clustered": ["rabbit@n1", "rabbit@n2"], "partitions": [], "alarms": [], "leaders": 4, "amqp": True},
                  "n2": {"nodename": "rabbit@n2", "state": "running", "members": ["rabbit@n1", "rabbit@n2", "rabbit@n3"],
                         "clustered": ["rabbit@n1", "rabbit@n2"], "partitions": [], "alarms": ["memory on rabbit@n2"],
                         "leaders": 0, "amqp": False, "message": "amqp: no answer"},
                  "n3": {"nodename": "rabbit@n3", "state": "down", "members": [], "clustered": [], "partitions": [],
                         "alarms": [], "leaders": None, "amqp": None}},
        "boot": None}},
}


def test_galera_and_rabbitmq_details_render(page_cluster, browser):
    import http.server
    import json
    import threading
    import urllib.request

    files = {}
    for path in ["/", "/ui/vigil.js", "/ui/vigil.css"]:
        with urllib.request.urlopen(page_cluster.urls["n1"] + path, timeout=10) as response:
            files[path] = (response.headers["Content-Type"], response.read())
    files["/v1/status"] = ("application/json", json.dumps(SERVICES_STATUS).encode())
    files["/v1/events"] = ("application/json", b'{"events": []}')

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            content_type, body = files.get(self.path.split("?")[0], ("text/plain", None))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/")
        rows = until(browser, lambda d: d.execute_script("""
            const rows = (sel) => [...document.querySelectorAll(sel + ' tr[data-node]')].map(tr =>
              [tr.dataset.node, ...[...tr.querySelectorAll('td')].map(td => td.textContent)]);
            const galera = rows('section[data-galera="db"]'), mq = rows('section[data-rabbitmq="mq"]');
            return galera.length && mq.length ? {galera, mq,
              note: document.querySelector('section[data-galera="db"] .note').textContent} : null;
        """), 10, "the Galera and RabbitMQ sections")
        assert rows["galera"] == [["n1", "n1writer", "Synced", "1234", "2"], ["n2", "n2", "Donor", "1230", "2"],
                                  ["n3", "n3", "down", "1200?", ""]], rows["galera"]
        assert "writer: n1; bootstrapped: n1 at 2026-11-25T09:00:00Z (new-cluster, by coordinator n1)" in rows["note"], rows["note"]
        assert rows["mq"][0] == ["n1", "n1", "rabbit@n1", "running", "2/3", "ok", "4", ""], rows["mq"]
        assert rows["mq"][1] == ["n2", "n2", "rabbit@n2", "runningamqp: no answer", "2/3", "failing", "0", "memory on rabbit@n2"], rows["mq"]
        assert rows["mq"][2][3] == "down", rows["mq"]
        browser.save_screenshot(os.path.join(ARTIFACTS, "galera-rabbitmq.png"))
    finally:
        server.shutdown()
        server.server_close()
