// Vigil's status page. It reads the agent's HTTP API (GET /v1/status twice a second,
// GET /v1/events too) and, when the agent has a write token, offers the same
// operations as the CLI through the same API, each behind a confirmation. Everything the
// cluster says is inserted as text, never as HTML.
"use strict";
(() => {
  const POLL_MS = 500;
  const EVENTS_EVERY = 1;
  const TOKEN_KEY = "vigil-api-token";
  const $ = (id) => document.getElementById(id);
  let last = null;          // the last status document
  let lastOk = 0;           // when it was received (ms)
  let tick = 0;
  let actionPending = false;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const saved = token();
    if (saved) headers["Authorization"] = "Bearer " + saved;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    let document = null;
    try { document = await response.json(); } catch (_) { document = null; }
    return { status: response.status, document };
  }

  function setConnection(state, text) {
    const badge = $("connection");
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function banner(text) {
    const node = $("banner");
    node.hidden = !text;
    node.textContent = text || "";
  }

  function toast(text, bad) {
    const node = $("toast");
    node.textContent = text;
    node.className = bad ? "toast bad" : "toast";
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, 5000);
  }

  function clock(rfc3339) {
    const date = new Date(rfc3339);
    if (isNaN(date)) return rfc3339 || "";
    return date.toLocaleTimeString([], { hour12: false });
  }

  function ordered(keys, order) {
    const rank = new Map((order || []).map((name, index) => [name, index]));
    return [...keys].sort((a, b) => (rank.has(a) ? rank.get(a) : 1e9) - (rank.has(b) ? rank.get(b) : 1e9) || a.localeCompare(b));
  }

  function nodeState(node) {
    if (node.unclean) return ["unclean", "bad"];
    if (!node.online) return ["offline", "bad"];
    if (node.maintenance) return ["maintenance", "warn"];
    if (node.standby) return ["standby", "warn"];
    return ["online", "ok"];
  }

  function stateClass(state) {
    switch (state) {
      case "started": case "promoted": return "ok";
      case "unpromoted": return "info";
      case "failed": return "bad";
      case "starting": case "stopping": return "warn";
      default: return "";
    }
  }

  // --- rendering -------------------------------------------------------------------

  function render(status) {
    const nodes = status.nodes || {};
    const resources = status.resources || {};
    const order = status.order || {};
    const nodeNames = ordered(Object.keys(nodes), order.nodes);
    const resourceNames = ordered(Object.keys(resources), order.resources);
    const writes = !!(status.api && status.api.writes);
    $("cluster-node").textContent = (status.cluster ? "cluster " + status.cluster + " · " : "") + "served by " + status.node;
    document.title = "Vigil" + (status.cluster ? " · " + status.cluster : "");

    const online = nodeNames.filter((n) => nodes[n].online).length;
    let running = 0, failed = 0, unmanaged = 0, stopped = 0;
    for (const name of resourceNames) {
      const placed = resources[name] || {};
      const states = Object.values(placed);
      if (states.includes("failed")) failed++;
      else if (states.some((s) => s !== "stopped")) running++;
      else stopped++;
      if (Object.keys(placed).some((n) => nodes[n] && nodes[n].maintenance)) unmanaged++;
    }
    $("summary").textContent = `${nodeNames.length} nodes, ${online} online; ${resourceNames.length} resources: ` +
      `${running} running, ${failed} failed, ${unmanaged} unmanaged, ${stopped} stopped` +
      (status.quorum === false ? "; no quorum" : "") + (status.coordinator ? "" : "; no coordinator");

    renderGrid(status, nodeNames, resourceNames, writes);
    renderFailures(status);
    renderHealth(status, nodeNames, resourceNames);
    renderServices(status, nodeNames);
    $("actions-note").textContent = writes
      ? "Actions go through this agent's API with its token, each after a confirmation."
      : "Read-only: this agent has no API token file (vigil agent --api-token-file), so it offers no actions.";
  }

  function renderGrid(status, nodeNames, resourceNames, writes) {
    const grid = $("grid");
    const nodes = status.nodes || {};
    const head = el("tr", {}, el("th", { text: "Resource" }));
    for (const name of nodeNames) {
      const [label, cls] = nodeState(nodes[name]);
      const th = el("th", { class: "node", "data-node": name, "data-state": label },
        name,
        status.coordinator === name ? el("span", { class: "coordinator", title: "coordinator", text: "★" }) : null,
        el("br"),
        el("span", { class: "badge " + cls, text: label }));
      const attributes = nodes[name].attributes || {};
      for (const [key, value] of Object.entries(attributes)) th.append(el("span", { class: "detail", text: `${key}=${value}` }));
      if (writes && nodes[name].online) {
        th.append(el("br"));
        if (nodes[name].standby) th.append(actionButton("online", `Take ${name} out of standby?`, "POST", `/v1/nodes/${encodeURIComponent(name)}/online`));
        else th.append(actionButton("standby", `Put ${name} in standby? Its resources move to other nodes.`, "POST", `/v1/nodes/${encodeURIComponent(name)}/standby`));
      }
      head.append(th);
    }
    const rows = [head];
    const failcounts = status.failcounts || {};
    const health = status.health || {};
    for (const resource of resourceNames) {
      const placed = (status.resources || {})[resource] || {};
      const th = el("th", { class: "resource", "data-resource": resource }, resource);
      if (writes) {
        th.append(el("br"),
          actionButton("move", `Move ${resource}? It stays where you send it until you clear the move.`, "POST",
            `/v1/resources/${encodeURIComponent(resource)}/move`, nodeNames.filter((n) => nodes[n].online && !nodes[n].standby)),
          actionButton("clear", `Clear the moves and bans of ${resource}?`, "POST", `/v1/resources/${encodeURIComponent(resource)}/clear`),
          actionButton("cleanup", `Clean up ${resource}: forget its failures and failcounts everywhere?`, "POST", `/v1/resources/${encodeURIComponent(resource)}/cleanup`));
      }
      const row = el("tr", {}, th);
      for (const node of nodeNames) {
        const state = placed[node];
        const cell = el("td", { "data-node": node, "data-resource": resource, "data-state": state || "" });
        if (state && state !== "stopped") cell.append(el("span", { class: "badge " + stateClass(state), text: state }));
        else cell.append(el("span", { class: "cell-empty", text: "·" }));
        const report = (health[resource] || {})[node];
        if (report && state && state !== "stopped") {
          cell.append(el("span", { class: "badge " + (report.healthy ? "ok" : "bad"), text: report.healthy ? "healthy" : "unhealthy" }));
        }
        const count = (failcounts[resource] || {})[node];
        if (count) cell.append(el("span", { class: "detail", text: `failcount ${count}` }));
        row.append(cell);
      }
      rows.push(row);
    }
    if (resourceNames.length === 0) rows.push(el("tr", {}, el("td", { colspan: nodeNames.length + 1, class: "cell-empty", text: "No resources configured." })));
    grid.replaceChildren(...rows);
  }

  function renderFailures(status) {
    const failures = status.failures || [];
    const failcounts = status.failcounts || {};
    const items = failures.map((f) => el("li", {},
      el("strong", { text: `${f.resource} on ${f.node}` }), ` since ${clock(f.since)}: ${f.message}`));
    for (const [resource, byNode] of Object.entries(failcounts)) {
      for (const [node, count] of Object.entries(byNode)) {
        if (failures.some((f) => f.resource === resource && f.node === node)) continue;
        items.push(el("li", {}, el("strong", { text: `${resource} on ${node}` }), ` failcount ${count} (recovered; vigil resource cleanup ${resource} forgets it)`));
      }
    }
    $("failures-section").hidden = items.length === 0;
    $("failures").replaceChildren(...items);
  }

  function renderHealth(status, nodeNames, resourceNames) {
    const rows = [el("tr", {}, el("th", { text: "Resource" }), el("th", { text: "Node" }), el("th", { text: "Probe" }),
      el("th", { text: "Last result" }), el("th", { text: "Latency" }))];
    const local = status.local || {};
    const health = status.health || {};
    for (const resource of resourceNames) {
      for (const node of nodeNames) {
        if (node === status.node && local[resource] && (local[resource].checks || []).length) {
          for (const check of local[resource].checks) {
            rows.push(el("tr", { "data-resource": resource, "data-node": node },
              el("td", { text: resource }), el("td", { text: node }),
              el("td", {}, el("span", { class: "badge " + (check.state === "healthy" ? "ok" : check.state === "unhealthy" ? "bad" : ""), text: check.state }), " " + check.probe),
              el("td", { text: check.result + (check.at ? ` (${clock(check.at)})` : "") }),
              el("td", { text: check.latency_ms === null || check.latency_ms === undefined ? "" : `${check.latency_ms} ms` })));
          }
          continue;
        }
        const report = (health[resource] || {})[node];
        if (!report) continue;
        for (const line of report.probes || []) {
          const split = line.indexOf(": ");
          const probe = split > 0 ? line.slice(0, split) : line;
          const rest = split > 0 ? line.slice(split + 2) : "";
          const state = rest.split(" ")[0];
          rows.push(el("tr", { "data-resource": resource, "data-node": node },
            el("td", { text: resource }), el("td", { text: node }),
            el("td", {}, el("span", { class: "badge " + (state === "healthy" ? "ok" : state === "unhealthy" ? "bad" : ""), text: state }), " " + probe),
            el("td", { text: rest.slice(state.length).trim().replace(/^\((.*)\)$/, "$1") }),
            el("td", { class: "cell-empty", text: "on its node's page" })));
        }
      }
    }
    $("health-section").hidden = rows.length === 1;
    $("health").replaceChildren(...rows);
  }

  function renderServices(status, nodeNames) {
    const sections = [];
    for (const [name, galera] of Object.entries(status.galera || {})) {
      const rows = [el("tr", {}, el("th", { text: "Node" }), el("th", { text: "State" }), el("th", { text: "seqno" }), el("th", { text: "Size" }))];
      for (const node of ordered(Object.keys(galera.nodes || {}), nodeNames)) {
        const n = galera.nodes[node];
        rows.push(el("tr", { "data-node": node },
          el("td", {}, node, galera.writer === node ? el("span", { class: "badge info", text: "writer" }) : null),
          el("td", {}, el("span", { class: "badge " + (n.state === "Synced" ? "ok" : n.state === "down" || n.state === "unclean" || n.state === "failed" ? "bad" : "warn"), text: n.state })),
          el("td", { text: n.seqno === null || n.seqno === undefined ? "" : String(n.seqno) + (n.known === false ? "?" : "") }),
          el("td", { text: n.size === null || n.size === undefined ? "" : String(n.size) })));
      }
      const boot = galera.bootstrapped;
      sections.push(el("section", { "data-galera": name }, el("h2", { text: `Galera: ${name}` }),
        el("p", { class: "note", text: `writer: ${galera.writer || "none"}` + (boot ? `; bootstrapped: ${boot.node} at ${boot.at} (${boot.mode}, by ${boot.by})` : "") }),
        el("div", { class: "scroll" }, el("table", {}, ...rows))));
    }
    for (const [name, mq] of Object.entries(status.rabbitmq || {})) {
      const rows = [el("tr", {}, el("th", { text: "Node" }), el("th", { text: "Erlang node" }), el("th", { text: "State" }), el("th", { text: "Clustered" }),
        el("th", { text: "AMQP" }), el("th", { text: "Quorum leaders" }), el("th", { text: "Partitions, alarms" }))];
      for (const node of ordered(Object.keys(mq.nodes || {}), nodeNames)) {
        const n = mq.nodes[node];
        rows.push(el("tr", { "data-node": node },
          el("td", { text: node }), el("td", { text: n.nodename || "" }),
          el("td", {}, el("span", { class: "badge " + (n.state === "running" ? "ok" : n.state === "down" || n.state === "unclean" || n.state === "failed" ? "bad" : "warn"), text: n.state }),
            n.message ? el("span", { class: "detail", text: n.message }) : null),
          el("td", { text: n.clustered ? `${n.clustered.length}/${(n.members || []).length}` : "" }),
          el("td", { text: n.amqp === true ? "ok" : n.amqp === false ? "failing" : "" }),
          el("td", { text: n.leaders === null || n.leaders === undefined ? "" : String(n.leaders) }),
          el("td", { text: [...(n.partitions || []), ...(n.alarms || [])].join(", ") })));
      }
      sections.push(el("section", { "data-rabbitmq": name }, el("h2", { text: `RabbitMQ: ${name}` }),
        mq.boot ? el("p", { class: "note", text: `boot: ${mq.boot.node} (${mq.boot.mode}): ${mq.boot.reason}` }) : null,
        el("div", { class: "scroll" }, el("table", {}, ...rows))));
    }
    $("services").replaceChildren(...sections);
  }

  function eventClass(kind) {
    if (/fail|fence-failed|watchdog|lost|unclean/.test(kind)) return "bad";
    if (/fenced|confirmed-down|bootstrap|forget|stopping|stopped/.test(kind)) return "warn";
    if (/started|promoted|joined|primary/.test(kind)) return "ok";
    return "info";
  }

  function renderEvents(events) {
    const items = events.slice().reverse().map((event) => el("li", { class: eventClass(event.kind), "data-kind": event.kind },
      el("time", { datetime: event.time, text: clock(event.time) }),
      el("span", { class: "badge " + eventClass(event.kind), text: event.kind }),
      event.resource ? el("strong", { text: event.resource + " " }) : null,
      `${event.message} `, event.node && event.node !== "-" ? el("span", { class: "detail", text: `by ${event.node}` }) : null));
    if (items.length === 0) items.push(el("li", { class: "cell-empty", text: "No events yet." }));
    $("timeline").replaceChildren(...items);
  }

  // --- actions ---------------------------------------------------------------------

  function actionButton(label, question, method, path, targets) {
    return el("button", { type: "button", "data-action": label, onclick: () => confirmAction(question, method, path, targets) }, label);
  }

  function confirmAction(question, method, path, targets) {
    const dialog = $("confirm");
    $("confirm-text").textContent = question;
    const select = $("confirm-target");
    $("confirm-target-row").hidden = !targets;
    if (targets) {
      select.replaceChildren(el("option", { value: "", text: "(away from where it runs)" }), ...targets.map((n) => el("option", { value: n, text: n })));
    }
    const needToken = !token();
    $("confirm-token-row").hidden = !needToken;
    $("confirm-token").value = "";
    dialog.returnValue = "";
    dialog.onclose = async () => {
      if (dialog.returnValue !== "ok") return;
      if (needToken) {
        const offered = $("confirm-token").value.trim();
        if (!offered) { toast("An API token is needed for actions.", true); return; }
        sessionStorage.setItem(TOKEN_KEY, offered);
      }
      const body = targets && select.value ? { node: select.value } : undefined;
      actionPending = true;
      try {
        const { status, document } = await api(method, path, body);
        if (status >= 200 && status < 300) toast(`Done: ${method} ${path}`);
        else {
          if (status === 401) sessionStorage.removeItem(TOKEN_KEY);
          toast(`Refused (${status}): ${(document && (document.message || document.error)) || "no reason given"}`, true);
        }
      } catch (error) {
        toast(`No answer from the agent: ${error}`, true);
      } finally {
        actionPending = false;
        poll();
      }
    };
    dialog.showModal();
  }

  // --- polling ---------------------------------------------------------------------

  async function poll() {
    try {
      const { status, document } = await api("GET", "/v1/status");
      if (status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        $("token-form").hidden = false;
        setConnection("connecting", "token needed");
        return;
      }
      $("token-form").hidden = true;
      if (!document || typeof document !== "object") throw new Error(`HTTP ${status}`);
      if (status === 503 && !document.nodes) {
        setConnection("connecting", "agent has no view yet");
        banner(`The agent ${document.node || ""} has no view of the cluster yet (it cannot read etcd).`);
        return;
      }
      last = document;
      lastOk = Date.now();
      render(document);
      if (document.agent && document.agent.lease_confirmed === false) {
        setConnection("stale", "etcd lost");
        banner(`This agent (${document.node}) has lost etcd: its membership lease is not confirmed. ` +
          `What you see is its last view and may be stale; load the page from another node for the live cluster.`);
      } else {
        setConnection("live", "live");
        banner("");
      }
      if (tick % EVENTS_EVERY === 0) {
        const events = await api("GET", "/v1/events?limit=60");
        if (events.status === 200 && events.document) renderEvents(events.document.events || []);
      }
    } catch (error) {
      setConnection("unreachable", "agent unreachable");
      banner(`The agent does not answer (${error.message || error}). ` +
        (last ? `Showing what it said at ${new Date(lastOk).toLocaleTimeString([], { hour12: false })}.` : ""));
    } finally {
      tick++;
    }
  }

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const offered = $("token-input").value.trim();
    if (offered) sessionStorage.setItem(TOKEN_KEY, offered);
    $("token-input").value = "";
    poll();
  });

  poll();
  setInterval(() => { if (!actionPending) poll(); }, POLL_MS);
})();
