// brooklet's client: sends what the user did, morphs the answer into the
// page. Events go over the tab's WebSocket when it is open (a newer event
// supersedes the run going on), else as POSTs, one at a time. Slider moves
// collapse into one follow-up; clicks queue and are never dropped; the
// focused field is never touched, so typing and the cursor survive a rerun
// caused by something else. A reload of the tab takes back its session.
(() => {
  "use strict";
  const root = () => document.getElementById("bk-app");
  const form = document.getElementById("bk-form");
  if (!root() || !form || !window.fetch) return;
  const endpoint = new URL("_brooklet/event", document.baseURI).href;
  let tab = root().dataset.tab;
  let page = root().dataset.page;
  // The tab's sequence number: each event carries the one of the page it
  // was made on, so the server refuses a replayed or stale one.
  let seq = Number(root().dataset.seq);
  // Committed values by widget id, in page order; `dirty`: changed since
  // the last request was built, so an answer to an older request cannot
  // undo them.
  let committed = new Map();
  let entry = new Set();
  let dirty = new Map();
  // Changes to widgets inside a form, sent only by its submit button (R29).
  const formPending = new Map();
  const queue = [];
  let inFlight = false;
  // The push channel: its socket once open; events sent on it by number,
  // until their answer; values they carried, until then too.
  let socket = null;
  let number = 0;
  const awaiting = new Map();
  const inflight = new Map();
  const MAX_AWAITING = 2;

  function loadCommitted() {
    const next = new Map();
    entry = new Set();
    for (const w of root().querySelectorAll("[data-wid]")) {
      // A click or a message goes with the one event it causes.
      if (w.dataset.shape === "trigger" || w.dataset.shape === "message") continue;
      let v = null;
      try { v = JSON.parse(w.dataset.value); } catch (_) { }
      next.set(w.dataset.wid, v);
      if (w.dataset.entry) entry.add(w.dataset.wid);
    }
    for (const [id, sent] of inflight) if (next.has(id)) next.set(id, sent.v);
    for (const [id, v] of dirty) if (next.has(id)) next.set(id, v);
    committed = next;
  }

  function widgetOf(el) { return el && el.closest ? el.closest("[data-wid]") : null; }

  // How a widget's value is read from its controls: its kind says so in
  // `data-shape`, so that no kind needs a branch here.
  function readValue(w) {
    const q = (s) => w.querySelector(s);
    const all = (s) => Array.from(w.querySelectorAll(s));
    switch (w.dataset.shape) {
      case "bool": return q("input[type=checkbox]").checked;
      case "index": {
        const s = q("select");
        if (s) return Number(s.value);
        const c = q("input:checked");
        return c ? Number(c.value) : null;
      }
      case "indexes": {
        const s = q("select");
        return s ? Array.from(s.selectedOptions, (o) => Number(o.value)) : all("input:checked").map((i) => Number(i.value));
      }
      case "numbers": {
        const vals = all("input[type=range]").map((i) => Number(i.value));
        return vals.length === 2 ? vals : vals[0];
      }
      case "number": {
        const raw = q("input").value;
        return raw === "" || isNaN(Number(raw)) ? undefined : Number(raw);
      }
      case "text": return q("input, textarea").value;
      case "text-pair": {
        const both = all("input").map((i) => i.value);
        return both.length === 2 && both.every((v) => v !== "") ? both : undefined;
      }
      case "optional-text": {
        const raw = q("input").value;
        return raw === "" ? undefined : raw;
      }
      // A container widget: its own tab list or `<details>`, never the
      // controls of the widgets inside it.
      case "tab": {
        const on = q(":scope > [role=tablist] [aria-selected=true]");
        return on ? Number(on.value) : undefined;
      }
      case "open": {
        const d = q(":scope > details");
        return d ? d.open : undefined;
      }
    }
    return undefined;
  }

  function showOutput(w) {
    const out = w.querySelector("output");
    if (!out) return;
    const inputs = Array.from(w.querySelectorAll("input[type=range]"));
    const labels = w.querySelector("[data-labels]");
    const names = labels ? JSON.parse(labels.dataset.labels) : null;
    out.textContent = inputs.map((i) => (names ? names[Number(i.value)] : i.value)).join(" \u2013 ");
  }

  function commit(w) { return commitValue(w, readValue(w)); }

  function commitValue(w, v) {
    if (v === undefined) return false;
    const id = w.dataset.wid;
    if (w.closest("[data-form]")) {
      formPending.set(id, v);
      return false;
    }
    if (JSON.stringify(committed.get(id)) === JSON.stringify(v)) return false;
    committed.set(id, v);
    dirty.set(id, v);
    // on_change = "ignore" (R44): kept, and sent with the next event.
    return !w.dataset.defer;
  }

  function enqueue(ev) {
    // An interaction replaces a fragment's tick still waiting: it runs more.
    if (!ev.fragment) for (let i = queue.length - 1; i >= 0; i--) if (queue[i].fragment) queue.splice(i, 1);
    // A value-only event already waiting will carry the newest values.
    if (!ev.click && !ev.chat && !ev.page && queue.some((e) => !e.click && !e.chat && !e.page)) return;
    queue.push(ev);
    pump();
  }

  // Fragments drawn with run_every: the browser's timer runs each alone,
  // over the socket only, and only when nothing else is on its way.
  const ticking = new Map();
  function scheduleFragments() {
    for (const f of root().querySelectorAll("[data-fragment][data-run-every]")) {
      const key = f.dataset.fragment;
      if (ticking.has(key)) continue;
      const every = Math.max(100, Number(f.dataset.runEvery));
      ticking.set(key, setTimeout(() => {
        ticking.delete(key);
        const still = Array.from(root().querySelectorAll("[data-fragment]")).some((x) => x.dataset.fragment === key);
        if (!still) return;
        if (socket && queue.length === 0 && awaiting.size === 0 && !inFlight) enqueue({ fragment: key });
        else scheduleFragments();
      }, every));
    }
  }

  function eventBody(ev) {
    const values = [];
    for (const [id, v] of committed) {
      if (v === null || v === undefined) continue;
      if (ev.page && !entry.has(id)) continue; // R35: only the entrypoint's widgets
      values.push([id, v]);
    }
    if (ev.chat) values.push(ev.chat);
    const body = { tab, seq, page: ev.page || page, values, click: ev.click || null };
    if (ev.fragment) body.fragment = ev.fragment;
    // Back/forward: the URL's query parameters win (R40).
    if (ev.pop) body.query = location.search;
    return body;
  }

  function busy() {
    document.body.classList.toggle("bk-busy", inFlight || awaiting.size > 0);
  }

  function pump() {
    if (socket) return pumpSocket();
    if (inFlight || queue.length === 0) return;
    const ev = queue.shift();
    inFlight = true;
    busy();
    const body = eventBody(ev);
    dirty = new Map();
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-brooklet-tab": tab },
      body: JSON.stringify(body),
    })
      .then((r) => {
        if (r.ok) {
          // The answer is the app's HTML; where it now is comes in headers.
          if (!socket) { retries = 0; connect(tab); }
          // Superseded by a newer event (R47), whose answer brings the app.
          if ((r.headers.get("content-type") || "").includes("json")) return;
          return r.text().then((html) => apply({
            html, page: r.headers.get("x-brooklet-page"), url: r.headers.get("x-brooklet-url"),
          }, ev));
        }
        return r.text().then((t) => {
          let j = null;
          try { j = JSON.parse(t); } catch (_) { }
          if (j && j.reload) { location.reload(); return; }
          // A stale event: the answer carries the page as it is now.
          if (j && j.html) apply({ html: j.html, page, url: null }, {});
          showError(j && j.error ? j.error : { kind: "Error", message: "HTTP " + r.status });
          loadCommitted();
        });
      })
      .catch((e) => showError({ kind: "NetworkError", message: String(e) }))
      .finally(() => {
        inFlight = false;
        busy();
        pump();
      });
  }

  // Over the socket, an event goes at once, with at most MAX_AWAITING
  // unanswered: the newest supersedes the run of the one before (R47).
  function pumpSocket() {
    while (socket && !inFlight && queue.length && awaiting.size < MAX_AWAITING) {
      const ev = queue.shift();
      const body = eventBody(ev);
      body.n = ++number;
      for (const [id, v] of dirty) inflight.set(id, { v, n: body.n });
      dirty = new Map();
      awaiting.set(body.n, ev);
      socket.send(JSON.stringify(body));
    }
    busy();
  }

  function onFrame(j) {
    const ev = j.n ? awaiting.get(j.n) : null;
    if (j.n) {
      awaiting.delete(j.n);
      for (const [id, sent] of inflight) if (sent.n <= j.n) inflight.delete(id);
    }
    if (j.t === "task") { moveTaskBars(j); return; }
    if (j.t === "app" || j.t === "patch") apply(j, j.attach ? { attach: true } : (ev || {}));
    else if (j.t === "error") {
      if (j.reload) { location.reload(); return; }
      if (j.html) apply({ html: j.html, page, url: null }, {});
      showError(j.error || { kind: "Error", message: "the server refused the event" });
      loadCommitted();
    }
    if (!j.running) scheduleFragments();
    pump();
  }

  // A background task reported progress: its bars move in place.
  function moveTaskBars(j) {
    for (const bar of root().querySelectorAll(".bk-progress[data-task]")) {
      if (bar.dataset.task !== j.key) continue;
      const p = bar.querySelector("progress");
      if (p && typeof j.percent === "number") {
        p.value = j.percent;
        p.setAttribute("aria-valuenow", String(j.percent));
        p.textContent = j.percent + "%";
      }
      const text = bar.querySelector(".bk-progress-text");
      if (text && typeof j.text === "string") {
        text.textContent = j.text;
        p && p.setAttribute("aria-label", j.text);
      }
    }
  }

  // The socket's address for `asTab`; `replaces` gives up the tab this page
  // was given, for the session it reattaches to.
  function socketUrl(asTab, replaces) {
    const u = new URL("_brooklet/ws", document.baseURI);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    u.searchParams.set("tab", asTab);
    if (replaces) u.searchParams.set("replaces", replaces);
    return u.href;
  }

  let retries = 0;
  let connecting = false;
  function connect(asTab, replaces) {
    if (!window.WebSocket || connecting || socket) return;
    connecting = true;
    let ws;
    try { ws = new WebSocket(socketUrl(asTab, replaces)); } catch (_) { connecting = false; return; }
    let opened = false;
    ws.onopen = () => { opened = true; connecting = false; retries = 0; socket = ws; pump(); };
    ws.onmessage = (m) => { let j = null; try { j = JSON.parse(m.data); } catch (_) { } if (j) onFrame(j); };
    ws.onclose = () => {
      connecting = false;
      if (socket === ws) socket = null;
      // What was on its way is answered by the resync of the next
      // connection; meanwhile events go as POSTs.
      awaiting.clear();
      inflight.clear();
      busy();
      showRunning(false);
      // A reattach the server refused (that session is gone): keep this one.
      if (!opened && replaces) return connect(tab);
      // After a few failures in a row, the next answer over POST tries again.
      if (!leaving && retries < 6) setTimeout(() => connect(tab), 250 * 2 ** retries++);
      pump();
    };
  }

  function apply(j, ev) {
    if (j.html !== undefined) {
      const tmp = document.createElement("div");
      tmp.innerHTML = j.html;
      const next = tmp.firstElementChild;
      if (next) morph(root(), next);
    } else applyPatch(j);
    const fresh = j.running ? (j.fresh || {}) : {};
    markStale(document.getElementById("bk-main"), fresh.main);
    markStale(document.getElementById("bk-sidebar"), fresh.sidebar);
    showRunning(!!j.running);
    tab = root().dataset.tab;
    seq = Number(root().dataset.seq);
    loadCommitted();
    // While the run goes on, where the page is stays as it was.
    if (j.running) return;
    scheduleFragments();
    if (ev.attach) {
      page = j.page;
      history.replaceState({ page }, "", j.url);
    } else if (j.page !== page || ev.page) {
      page = j.page;
      if (!ev.pop) history.pushState({ page }, "", j.url);
    } else if (j.url && j.url !== location.pathname + location.search) {
      // The URL follows widgets bound to query parameters (R40).
      history.replaceState({ page }, "", j.url);
    }
    if (j.title) document.title = j.title;
    loadCommitted();
    // R31: a cleared form shows its defaults until its next submit, which sends them.
    for (const w of root().querySelectorAll("[data-reset]")) {
      const v = readValue(w);
      if (v !== undefined) formPending.set(w.dataset.wid, v);
    }
  }

  // ---- patches: the blocks that changed, by position among the main
  // area's elements and the sidebar's; while a run goes on, the blocks of
  // the run before that it has not drawn again are marked stale.
  // A container's blocks: the children of its slot (a widget that holds
  // elements keeps them in its `<details>`), less its own controls.
  function blocksOf(container) {
    if (!container) return [];
    const slot = container.querySelector(":scope > [data-slot]") || container;
    return Array.from(slot.children).filter((n) => !n.matches("noscript, summary, [role=tablist], .bk-notice, #bk-client-error"));
  }
  function parseBlock(html) {
    const tmp = document.createElement("div");
    tmp.innerHTML = html;
    return tmp.firstElementChild;
  }
  // Each op names its container by the indexes of containers from the top.
  function spliceAll(top, ops) {
    for (const op of ops || []) {
      let container = top;
      for (const i of op.path) container = container && blocksOf(container)[i];
      spliceInto(container, op);
    }
  }
  function spliceInto(container, op) {
    if (!container || !op) return;
    const olds = blocksOf(container);
    const news = op.insert.map(parseBlock).filter(Boolean);
    const same = Math.min(op.remove, news.length);
    for (let i = 0; i < same; i++) {
      const old = olds[op.at + i];
      if (keyOf(old) === keyOf(news[i])) morph(old, news[i]); else old.replaceWith(news[i]);
    }
    for (let i = same; i < op.remove; i++) olds[op.at + i].remove();
    const slot = container.querySelector(":scope > [data-slot]") || container;
    const anchor = olds[op.at + op.remove] || slot.querySelector(":scope > noscript");
    for (let i = same; i < news.length; i++) slot.insertBefore(news[i], anchor || null);
  }
  function applyPatch(j) {
    const r = root();
    spliceAll(document.getElementById("bk-main"), j.main);
    spliceAll(document.getElementById("bk-sidebar"), j.sidebar);
    const set = (name, v) => { const i = r.querySelector("input[name=" + name + "]"); if (i) i.value = v; };
    if (j.seq !== undefined) { r.dataset.seq = j.seq; set("_seq", j.seq); }
    if (j.page) { r.dataset.page = j.page; set("_page", j.page); }
    if (j.url) r.dataset.url = j.url;
    restoreTabs();
  }
  function markStale(container, fresh) {
    blocksOf(container).forEach((n, i) => n.classList.toggle("bk-stale", fresh != null && i >= fresh));
  }

  // While a run goes on: a status with a Stop control, outside the app so
  // that no patch touches it.
  const stopUrl = new URL("_brooklet/stop", document.baseURI).href;
  function showRunning(on) {
    document.body.classList.toggle("bk-running", on);
    let bar = document.getElementById("bk-status");
    if (on && !bar) {
      bar = document.createElement("div");
      bar.id = "bk-status";
      bar.setAttribute("role", "status");
      bar.innerHTML = '<span class="bk-status-text">Running\u2026</span> <button type="button" class="bk-stop">Stop</button>';
      bar.querySelector("button").addEventListener("click", () => {
        if (socket) socket.send('{"stop":true}');
        else fetch(stopUrl, { method: "POST", credentials: "same-origin", headers: { "x-brooklet-tab": tab } });
      });
      document.body.appendChild(bar);
    }
    if (bar) bar.hidden = !on;
  }

  function showError(err) {
    let box = document.getElementById("bk-client-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "bk-client-error";
      box.className = "bk-notice";
      box.setAttribute("role", "alert");
      const main = document.getElementById("bk-main");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = (err.kind ? err.kind + ": " : "") + (err.message || "");
  }

  // ---- morphing: make `from` look like `to`, keeping nodes where it can.
  const focused = () => document.activeElement;
  function keyOf(n) {
    if (n.nodeType !== 1) return "#" + n.nodeType;
    return n.nodeName + "|" + (n.id || n.getAttribute("data-wid") || "") + "|" + (n.getAttribute("data-k") || "");
  }
  function morph(from, to) {
    // A form widget with a change not submitted yet keeps showing it, and
    // a widget whose newer value is on its way to the server too.
    const wid = from.nodeType === 1 && !from.dataset.holds && from.dataset.wid;
    if (wid && (formPending.has(wid) || inflight.has(wid))) return;
    if (from.nodeType !== 1) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    const isFocused = from === focused();
    const toggled = from.dataset.userToggled;
    for (const a of Array.from(from.attributes)) if (!to.hasAttribute(a.name)) from.removeAttribute(a.name);
    for (const a of Array.from(to.attributes)) {
      if (isFocused && a.name === "value") continue;
      if (from.getAttribute(a.name) !== a.value) from.setAttribute(a.name, a.value);
    }
    const tag = from.nodeName;
    if (tag === "INPUT") {
      if (!isFocused) {
        if (from.type === "checkbox" || from.type === "radio") from.checked = to.hasAttribute("checked");
        else if (from.value !== (to.getAttribute("value") || "")) from.value = to.getAttribute("value") || "";
      }
      return;
    }
    if (tag === "TEXTAREA") {
      if (!isFocused && from.value !== to.textContent) from.value = to.textContent;
      return;
    }
    morphChildren(from, to);
    if (tag === "SELECT" && !isFocused) {
      Array.from(from.options).forEach((o, i) => { o.selected = to.options[i] ? to.options[i].hasAttribute("selected") : false; });
    }
    // A plain `<details>` keeps what the user made of it; a widget's
    // follows its value.
    if (tag === "DETAILS" && toggled && !tracked(from)) {
      from.dataset.userToggled = toggled;
      from.open = toggled === "open";
    }
  }
  function morphChildren(from, to) {
    const olds = Array.from(from.childNodes);
    const used = new Set();
    const byKey = new Map();
    olds.forEach((n) => { const k = keyOf(n); if (!byKey.has(k)) byKey.set(k, []); byKey.get(k).push(n); });
    const news = Array.from(to.childNodes);
    news.forEach((n, i) => {
      const list = byKey.get(keyOf(n)) || [];
      let match = null;
      while (list.length) { const c = list.shift(); if (!used.has(c)) { match = c; break; } }
      if (match) {
        used.add(match);
        morph(match, n);
      } else {
        match = document.importNode(n, true);
      }
      const at = from.childNodes[i];
      if (at !== match) from.insertBefore(match, at || null);
    });
    for (const n of olds) if (!used.has(n) && n.parentNode === from) from.removeChild(n);
  }

  // ---- files: read in the browser, sent once as base64 in the JSON event
  function sizeText(n) {
    if (n < 1024) return n + " B";
    const units = ["KiB", "MiB", "GiB", "TiB"];
    let u = -1;
    do { n /= 1024; u++; } while (n >= 1024 && u < units.length - 1);
    return n.toFixed(1).replace(/\.0$/, "") + " " + units[u];
  }
  function readFile(f) {
    return new Promise((ok, fail) => {
      const r = new FileReader();
      r.onload = () => ok({ name: f.name, type: f.type, data: String(r.result).replace(/^data:[^,]*,/, "") });
      r.onerror = () => fail(r.error);
      r.readAsDataURL(f);
    });
  }
  function uploadFiles(w, input) {
    const max = Number(input.dataset.maxSize);
    const files = Array.from(input.files || []);
    const big = files.find((f) => f.size > max);
    if (big) {
      showError({ kind: "InvalidValue", message: "rejected value for file_uploader \"" + w.querySelector("label").textContent +
        "\": \"" + big.name + "\" is " + sizeText(big.size) + ", larger than the limit of " + sizeText(max) + " for this uploader" });
      input.value = "";
      return;
    }
    Promise.all(files.map(readFile))
      .then((list) => { if (commitValue(w, input.multiple ? list : (list[0] || []))) enqueue({}); })
      .catch((e) => showError({ kind: "FileError", message: String(e) }));
  }

  // ---- tabs: the ARIA tabs pattern. A row that tracks its tab is a
  // widget: a new tab is its new value. Another row's choice is the
  // browser's, kept across patches.
  function tracked(el) {
    const w = el.parentElement;
    return !!(w && w.dataset.wid && w.dataset.holds);
  }
  const chosenTabs = new Map();
  function showTab(list, at) {
    const tabs = Array.from(list.querySelectorAll(":scope > [role=tab]"));
    tabs.forEach((t, i) => {
      t.setAttribute("aria-selected", String(i === at));
      t.tabIndex = i === at ? 0 : -1;
      const panel = document.getElementById(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = i !== at;
    });
  }
  function chooseTab(tab) {
    const list = tab.parentElement;
    const tabs = Array.from(list.querySelectorAll(":scope > [role=tab]"));
    const at = tabs.indexOf(tab);
    showTab(list, at);
    if (tracked(list)) { if (commit(list.parentElement)) enqueue({}); }
    else chosenTabs.set(list.dataset.tabs, at);
  }
  function restoreTabs() {
    for (const [dom, at] of chosenTabs) {
      const list = root().querySelector("[role=tablist][data-tabs=\"" + dom + "\"]");
      if (list) showTab(list, at); else chosenTabs.delete(dom);
    }
  }
  form.addEventListener("keydown", (e) => {
    const tab = e.target.closest && e.target.closest("[role=tab]");
    if (!tab) return;
    const tabs = Array.from(tab.parentElement.querySelectorAll(":scope > [role=tab]"));
    const at = tabs.indexOf(tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    next.focus();
    chooseTab(next);
  });

  // ---- a chat input: Enter sends (Shift+Enter is a new line), and the
  // field empties; the message goes with the one event it causes.
  function sendMessage(w) {
    const field = w && w.querySelector("textarea");
    if (!field || !field.value.trim()) return;
    enqueue({ chat: [w.dataset.wid, field.value] });
    field.value = "";
  }
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    const w = widgetOf(e.target);
    if (!w || w.dataset.shape !== "message") return;
    e.preventDefault();
    sendMessage(w);
  });

  // ---- what the user does
  form.addEventListener("submit", (e) => {
    const sub = e.submitter;
    if (sub && sub.name === "_download") {
      // The browser posts the form to the download route and saves the
      // answer; the click reruns the page too, unless told not to.
      if (!sub.dataset.ignore) enqueue({ click: sub.value });
      return;
    }
    e.preventDefault();
    if (sub && sub.getAttribute("role") === "tab") chooseTab(sub);
    else if (sub && sub.name === "_chat") sendMessage(widgetOf(sub));
    else if (sub && sub.name === "_click") {
      const w = widgetOf(sub);
      const form = w && sub.dataset.submits ? w.closest("[data-form]") : null;
      if (form) {
        // The form's changes go with its submit: what its fields show.
        for (const fw of form.querySelectorAll("[data-wid]")) {
          const id = fw.dataset.wid;
          if (formPending.has(id)) {
            committed.set(id, formPending.get(id));
            dirty.set(id, formPending.get(id));
            formPending.delete(id);
          }
        }
      }
      enqueue({ click: sub.value });
    }
    else if (sub && sub.name === "_nav") enqueue({ page: sub.value });
    else {
      const w = widgetOf(focused());
      if (w && commit(w)) enqueue({});
    }
  });
  form.addEventListener("input", (e) => {
    const w = widgetOf(e.target);
    if (!w) return;
    if (e.target.type === "range") {
      showOutput(w);
      if (commit(w)) enqueue({});
    }
  });
  form.addEventListener("change", (e) => {
    const w = widgetOf(e.target);
    if (!w) return;
    if (e.target.type === "file") { uploadFiles(w, e.target); return; }
    const exclusive = e.target.closest("[data-exclusive]");
    if (exclusive && e.target.checked) {
      // One option at a time: choosing one lets go of the others.
      for (const c of exclusive.querySelectorAll("input[type=checkbox]")) if (c !== e.target) c.checked = false;
    }
    if (commit(w)) enqueue({});
  });
  form.addEventListener("click", (e) => {
    const clear = e.target.closest && e.target.closest(".bk-file-clear");
    const w = clear && widgetOf(clear);
    if (w && commitValue(w, [])) enqueue({});
  });
  // A page link: a plain click switches this session's page; a middle
  // click, or one with a modifier, is the browser's (a new tab, a new window).
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("a.bk-nav-link, .bk-page-link > a[data-page]");
    if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    enqueue({ page: link.dataset.page });
  });
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const t = e.target;
    const field = t.nodeName === "INPUT" && ["text", "number", "password", "email", "url", "tel", "search"].includes(t.type);
    if (field || (t.nodeName === "TEXTAREA" && (e.ctrlKey || e.metaKey))) {
      // Enter commits the field (as in Streamlit); it never submits the form.
      e.preventDefault();
      const w = widgetOf(t);
      if (w && commit(w)) enqueue({});
    }
  });
  // A click on a summary is the user's: a plain `<details>` keeps what it
  // made of it across patches (a patch opening or closing one is not).
  form.addEventListener("click", (e) => {
    const s = e.target.closest && e.target.closest("summary");
    const d = s && s.parentElement;
    if (d && d.nodeName === "DETAILS" && !tracked(d)) d.dataset.userToggled = d.open ? "closed" : "open";
  });
  form.addEventListener("toggle", (e) => {
    const d = e.target;
    if (d.nodeName === "DETAILS" && tracked(d) && commit(d.parentElement)) enqueue({});
  }, true);
  // A popover closes on Escape and on a click outside it.
  function closePopover(p) {
    p.open = false;
    if (!tracked(p)) p.dataset.userToggled = "closed";
  }
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    const p = e.target.closest && e.target.closest("details.bk-popover[open]");
    if (p) { closePopover(p); p.querySelector("summary").focus(); }
  });
  document.addEventListener("click", (e) => {
    for (const p of document.querySelectorAll("details.bk-popover[open]")) if (!p.contains(e.target)) closePopover(p);
  });
  window.addEventListener("popstate", (e) => {
    const target = e.state && e.state.page;
    if (target && target !== page) enqueue({ page: target, pop: true });
  });
  // The server may have corrected the URL (a bound widget, R40).
  history.replaceState({ page }, "", root().dataset.url || location.href);
  loadCommitted();
  // A first run still going on: it streams once the socket is open.
  if (root().dataset.running) showRunning(true);
  else scheduleFragments();
  // A reload of this browser tab takes back the session it had (the tab id
  // is kept in sessionStorage while the page is away); a new tab, or a
  // link or address opened in this one, starts its own, as the server made it.
  let leaving = false;
  let earlier = null;
  try {
    earlier = sessionStorage.getItem("bk-tab");
    sessionStorage.removeItem("bk-tab");
    const nav = performance.getEntriesByType("navigation")[0];
    if (!nav || nav.type !== "reload") earlier = null;
  } catch (_) { earlier = null; }
  window.addEventListener("pagehide", () => {
    leaving = true;
    try { sessionStorage.setItem("bk-tab", tab); } catch (_) { }
  });
  window.addEventListener("pageshow", (e) => { if (e.persisted) leaving = false; });
  if (earlier && /^[0-9a-f]{16}$/.test(earlier) && earlier !== tab) connect(earlier, tab);
  else connect(tab);
  window.__brooklet = {
    get pending() { return queue.length + (inFlight ? 1 : 0) + awaiting.size; },
    get channel() { return socket ? "socket" : "post"; },
    get inFlight() { return (inFlight ? 1 : 0) + awaiting.size; },
  };
})();
