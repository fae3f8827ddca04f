// The datablox web view: polls /api/state about once a second and draws
// the page the location's hash names: #/ (topologies and nodes),
// #/nodes, #/t/NAME (a topology's graph and elements), #/t/NAME/e/ELEMENT.
// Nothing but this file and the page: no library, no network beyond the
// master that serves it. Every text from the state goes in as a text node.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
let state = null;       // the last /api/state
let previous = null;    // the one before, with its time: rates per link
let receivedAt = 0;

function el(tag, attrs, ...children) {
  const svg = ["svg", "g", "rect", "text", "path", "title", "marker", "defs"].includes(tag);
  const node = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(n, digits) {
  if (n === undefined || n === null) return "";
  if (typeof n !== "number") return String(n);
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(digits === undefined ? 1 : digits);
}

function table(headers, rows, numeric) {
  const head = el("tr", {}, ...headers.map((h) => el("th", {}, h)));
  const body = rows.map((r) => el("tr", {}, ...r.map((c, i) =>
    el("td", numeric && numeric[i] ? { class: "num" } : {}, c))));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...body));
}

function stateText(s) { return el("span", { class: "state-" + s }, s); }
function link(href, text) { return el("a", { href }, text); }

function overview() {
  const tops = state.topologies.map((t) => {
    const count = (s) => t.elements.filter((e) => e.state === s).length;
    return [link("#/t/" + encodeURIComponent(t.name), t.name), stateText(t.state), t.elements.length,
      count("running"), count("failed"), t.failure || ""];
  });
  return [el("h2", {}, "Topologies"),
    tops.length ? table(["topology", "state", "elements", "running", "failed", "failure"], tops,
      [false, false, true, true, true, false]) : el("p", {}, "No topology submitted."),
    ...nodesView()];
}

function nodesView() {
  const rows = state.nodes.map((n) => [n.name, n.address, stateText(n.state), n.cores, fmt(n.cpu_percent) + "%",
    fmt(n.memory_used_mb) + " / " + fmt(n.memory_mb) + " MB", n.elements, fmt(n.last_seen_s, 2) + " s"]);
  return [el("h2", {}, "Nodes"), rows.length ? table(["node", "address", "state", "cores", "cpu", "memory",
    "elements", "last seen"], rows, [false, false, false, true, true, true, true, true]) : el("p", {}, "No node joined.")];
}

// Per link, logs/s from the sender's `sent` between the last two states.
function linkRates(name) {
  const rates = {};
  if (!previous) return rates;
  const before = previous.state.topologies.find((t) => t.name === name);
  const now = state.topologies.find((t) => t.name === name);
  const dt = (receivedAt - previous.at) / 1000;
  if (!before || !now || dt <= 0) return rates;
  const sentBefore = Object.fromEntries(before.links.map((l) => [l.id, l.sent]));
  for (const l of now.links)
    if (l.sent !== undefined && sentBefore[l.id] !== undefined) rates[l.id] = Math.max(0, (l.sent - sentBefore[l.id]) / dt);
  return rates;
}

// Columns by the longest push path from a source; query links do not count.
function layout(t) {
  const depth = Object.fromEntries(t.elements.map((e) => [e.name, 0]));
  for (let pass = 0; pass < t.elements.length; ++pass) {
    let moved = false;
    for (const l of t.links)
      if (l.kind === "push" && depth[l.from] !== undefined && depth[l.to] !== undefined && depth[l.to] < depth[l.from] + 1) {
        depth[l.to] = depth[l.from] + 1;
        moved = true;
      }
    if (!moved) break;
  }
  const columns = {};
  for (const e of [...t.elements].sort((a, b) => a.name.localeCompare(b.name)))
    (columns[depth[e.name]] = columns[depth[e.name]] || []).push(e);
  const at = {};
  const W = 170, H = 56, GX = 90, GY = 34, PAD = 24;
  let rows = 0;
  for (const [d, list] of Object.entries(columns)) {
    list.forEach((e, i) => { at[e.name] = { x: PAD + d * (W + GX), y: PAD + 14 + i * (H + GY), w: W, h: H }; });
    rows = Math.max(rows, list.length);
  }
  const width = PAD * 2 + Object.keys(columns).length * (W + GX) - GX;
  return { at, width: Math.max(width, 300), height: PAD * 2 + 14 + rows * (H + GY) };
}

// A shard's members, or a compound's parts ("ingest/parse"), grouped.
function groupOf(e) { return e.shard || (e.name.includes("/") ? e.name.slice(0, e.name.lastIndexOf("/")) : null); }

function graph(t) {
  const { at, width, height } = layout(t);
  const svg = el("svg", { width, height, id: "graph", "data-topology": t.name });
  const groups = {};
  for (const e of t.elements) {
    const g = groupOf(e);
    if (g) (groups[g] = groups[g] || []).push(at[e.name]);
  }
  for (const [name, boxes] of Object.entries(groups)) {
    const x0 = Math.min(...boxes.map((b) => b.x)) - 8, y0 = Math.min(...boxes.map((b) => b.y)) - 18;
    const x1 = Math.max(...boxes.map((b) => b.x + b.w)) + 8, y1 = Math.max(...boxes.map((b) => b.y + b.h)) + 8;
    svg.append(el("rect", { class: "group", "data-group": name, x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 8 }),
      el("text", { class: "group", x: x0 + 6, y: y0 + 12 }, name));
  }
  const rates = linkRates(t.name);
  for (const l of t.links) {
    const a = at[l.from], b = at[l.to];
    if (!a || !b) continue;
    const x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2;
    const mid = (x1 + x2) / 2;
    const d = x2 > x1 ? `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`
      : `M${a.x + a.w / 2},${a.y + a.h} C${a.x + a.w / 2},${a.y + a.h + 40} ${x2 + b.w / 2},${b.y + b.h + 40} ${x2 + b.w / 2},${b.y + b.h}`;
    const fill = l.window ? (l.in_flight || 0) / l.window : 0;
    // Green while credit is plentiful, orange past half, red when the window is (nearly) full: backpressure.
    const colour = l.kind === "query" ? "#888" : fill >= 0.9 ? "#c62828" : fill >= 0.5 ? "#e08a00" : "#3a9a5b";
    const title = `${l.id}: ${l.kind}` + (l.kind === "push" ? `, ${l.in_flight || 0} of ${l.window || 0} in flight` : "");
    svg.append(el("path", { class: "link " + l.kind, "data-id": l.id, d, stroke: colour }, el("title", {}, title)));
    if (rates[l.id] !== undefined)
      svg.append(el("text", { class: "rate", "data-link": l.id, x: mid - 20, y: (y1 + y2) / 2 - 4 }, fmt(rates[l.id]) + "/s"));
  }
  for (const e of t.elements) {
    const b = at[e.name];
    const g = el("g", { class: "element state-" + e.state, "data-name": e.name, transform: `translate(${b.x},${b.y})` },
      el("title", {}, `${e.name} :: ${e.class} on ${e.node || "?"}: ${e.state}`),
      el("rect", { class: "box", width: b.w, height: b.h, rx: 6 }),
      el("text", { x: 8, y: 16 }, e.name),
      el("text", { class: "cls", x: 8, y: 31 }, e.class + " · " + e.state + (e.restarts ? " · " + e.restarts + " restarts" : "")),
      el("text", { class: "cls", x: 8, y: 46 }, `in ${fmt(e.in_rate)}/s  out ${fmt(e.out_rate)}/s  q ${fmt(e.queue)}`));
    g.addEventListener("click", () => { location.hash = "#/t/" + encodeURIComponent(t.name) + "/e/" + encodeURIComponent(e.name); });
    svg.append(g);
  }
  return svg;
}

function topologyView(name) {
  const t = state.topologies.find((x) => x.name === name);
  if (!t) return [el("p", { class: "error" }, `No topology '${name}'.`)];
  const rows = t.elements.map((e) => [link("#/t/" + encodeURIComponent(t.name) + "/e/" + encodeURIComponent(e.name), e.name),
    e.class, e.node, stateText(e.state), e.restarts, fmt(e.in_rate), fmt(e.out_rate), fmt(e.logs_in), fmt(e.logs_out),
    fmt(e.queue), fmt(100 * e.blocked_share) + "%", fmt(e.cpu_percent) + "%"]);
  return [el("h2", {}, "Topology ", t.name, " ", stateText(t.state)),
    t.failure ? el("p", { class: "error" }, t.failure) : "",
    graph(t),
    table(["element", "class", "node", "state", "restarts", "in/s", "out/s", "in", "out", "queue", "blocked", "cpu"], rows,
      [false, false, false, false, true, true, true, true, true, true, true, true]),
    ...eventsView(t.events || [])];
}

function eventsView(events) {
  const rows = events.map((e) => [new Date(e.unix_ms).toLocaleTimeString(), e.element, e.what]);
  return [el("h3", {}, "Events"), rows.length ? table(["time", "element", "event"], rows) : el("p", {}, "none")];
}

function elementView(name, element) {
  const t = state.topologies.find((x) => x.name === name);
  const e = t && t.elements.find((x) => x.name === element);
  if (!e) return [el("p", { class: "error" }, `No element '${element}' in '${name}'.`)];
  const figures = [["class", e.class], ["node", e.node], ["pid", e.pid], ["state", stateText(e.state)],
    ["restarts", e.restarts], ["moves", e.moves], ["last exit", e.last_exit], ["logs in", e.logs_in],
    ["logs out", e.logs_out], ["in/s", fmt(e.in_rate)], ["out/s", fmt(e.out_rate)], ["queue", e.queue],
    ["blocked", fmt(100 * e.blocked_share) + "%"], ["busy", fmt(100 * e.busy_share) + "%"],
    ["cpu", fmt(e.cpu_percent) + "%"], ["memory", fmt(e.rss_bytes / 1048576) + " MB"], ["age", fmt(e.age_s) + " s"]];
  if (e.shard) figures.push(["shard", e.shard]);
  const stats = e.stats || {};
  const handlers = Object.entries(stats.handlers || {}).map(([k, v]) => [k, String(v)]);
  const counters = Object.entries(stats).filter(([, v]) => typeof v === "number").map(([k, v]) => [k, fmt(v)]);
  return [el("h2", {}, link("#/t/" + encodeURIComponent(name), name), " / ", element),
    e.error ? el("p", { class: "error" }, e.error) : "",
    table(["figure", "value"], figures),
    el("h3", {}, "Handlers"), handlers.length ? table(state.writes ? ["handler", "value", "write"] : ["handler", "value"],
      handlers.map(([k, v]) => state.writes ? [k, v, handlerForm(name + "/" + element, k)] : [k, v])) : el("p", {}, "none"),
    el("h3", {}, "Recent stderr"), logsView(name + "/" + element),
    el("h3", {}, "Host figures"), table(["figure", "value"], counters, [false, true]),
    ...eventsView((t.events || []).filter((x) => x.element === element))];
}

// An element's stderr tail, asked of its caretaker through the master at
// most every 5 s while its page is shown; the last answer is drawn meanwhile.
const logs = {};
function logsView(id) {
  const known = logs[id];
  if (!known || (!known.pending && Date.now() - known.at > 5000)) {
    logs[id] = { at: Date.now(), pending: true, text: known ? known.text : "asking its caretaker..." };
    fetch("/api/logs?element=" + encodeURIComponent(id) + "&lines=30", { cache: "no-store" })
      .then((r) => r.json())
      .then((reply) => {
        logs[id] = { at: Date.now(), pending: false,
          text: reply.error ? "no stderr: " + reply.error : (reply.lines || []).join("\n") || "(empty)" };
        render();
      })
      .catch((error) => { logs[id] = { at: Date.now(), pending: false, text: "no stderr: " + error.message }; });
  }
  return el("pre", { class: "stderr", "data-element": id }, logs[id].text);
}

function handlerForm(id, handler) {
  const input = el("input", { type: "text", size: 12, "data-handler": handler });
  const button = el("button", {}, "write");
  const result = el("span", {});
  button.addEventListener("click", async () => {
    const response = await fetch("/api/handler", { method: "POST",
      body: JSON.stringify({ element: id, name: handler, value: input.value }) });
    const reply = await response.json();
    result.textContent = reply.error ? " " + reply.error : " written";
  });
  return el("span", {}, input, button, result);
}

function render() {
  const main = document.getElementById("main");
  if (!state) return;
  // Drawn anew, the page would lose what is being typed into a handler's field.
  if (document.activeElement && document.activeElement.tagName === "INPUT" && main.contains(document.activeElement)) return;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  let view;
  if (parts[0] === "t" && parts.length >= 4 && parts[2] === "e") view = elementView(parts[1], parts.slice(3).join("/"));
  else if (parts[0] === "t" && parts.length >= 2) view = topologyView(parts[1]);
  else if (parts[0] === "nodes") view = nodesView();
  else view = overview();
  main.replaceChildren(...view.filter((v) => v !== ""));
}

async function poll() {
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (!response.ok) throw new Error(response.status + " " + response.statusText);
    const next = await response.json();
    if (state) previous = { state, at: receivedAt };
    state = next;
    receivedAt = Date.now();
    document.getElementById("age").textContent = "master up " + fmt(state.uptime_s, 0) + " s";
    render();
  } catch (error) {
    document.getElementById("age").textContent = "master unreachable: " + error.message;
  }
  setTimeout(poll, 1000);
}

window.addEventListener("hashchange", render);
poll();
