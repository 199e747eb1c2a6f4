"""The demo panel's page: inline HTML, CSS and JS, self-contained (no network).

It talks to Python only through ``window.auroraview``: ``call`` for the scene buttons, the
export and the stress test (every handler runs on the host's main thread), ``on``/``once``
for the progress events that background threads ``emit``. ``window.demo`` exposes each
button's last result as a Promise, so the scripted run can click a button with
``eval_js_async`` and wait for its effect.
"""

from __future__ import annotations

#: The page background; the tests look for it in the screenshot's dock area.
PAGE_BACKGROUND = (0x18, 0x20, 0x30)

PAGE_HTML = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>auroraview scene tools</title>
<style>
  :root {
    --bg: #182030; --card: #202a3c; --line: #2f3b52; --text: #e5eaf4; --muted: #8c98b0;
    --accent: #4ea1ff; --accent2: #7c6cff; --ok: #3ecf8e; --warn: #ffb454; --err: #ff6b6b;
  }
  * { box-sizing: border-box; }
  html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text); }
  body { font: 13px/1.35 system-ui, "DejaVu Sans", sans-serif; padding: 10px 12px;
         overflow-y: auto; }
  header { display: flex; align-items: center; gap: 8px; margin-bottom: 8px; }
  header h1 { font-size: 15px; margin: 0; font-weight: 650; letter-spacing: .2px; }
  .badge { font-size: 10.5px; color: var(--muted); border: 1px solid var(--line);
           border-radius: 9px; padding: 1px 7px; }
  .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--warn); margin-left: auto; }
  .dot.on { background: var(--ok); box-shadow: 0 0 6px var(--ok); }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
          padding: 8px 10px; margin-bottom: 8px; }
  .card h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .8px; color: var(--muted);
             margin: 0 0 6px; font-weight: 600; display: flex; justify-content: space-between; }
  .row { display: flex; gap: 6px; margin-bottom: 6px; }
  button { font: inherit; color: var(--text); background: #2c3850; border: 1px solid #3a4967;
           border-radius: 6px; padding: 4px 10px; cursor: pointer; }
  button:hover:not(:disabled) { background: #34446a; }
  button:disabled { opacity: .45; cursor: default; }
  button.primary { background: linear-gradient(180deg, #4ea1ff, #3b82e0); border-color: #3b82e0;
                   color: #fff; font-weight: 600; }
  button.danger { border-color: #6b3340; color: #ffb3b3; }
  input { font: inherit; color: var(--text); background: #141b28; border: 1px solid var(--line);
          border-radius: 6px; padding: 4px 8px; flex: 1; min-width: 0; }
  #scene-list { list-style: none; margin: 0; padding: 0; max-height: 150px; overflow-y: auto;
                border: 1px solid var(--line); border-radius: 6px; background: #1a2232; }
  #scene-list li { display: flex; align-items: center; gap: 8px; padding: 3px 8px;
                   border-bottom: 1px solid #232d40; cursor: pointer; }
  #scene-list li:last-child { border-bottom: 0; }
  #scene-list li.selected { background: #2b4a78; }
  #scene-list li .kind { margin-left: auto; color: var(--muted); font-size: 11px; }
  #scene-list li.empty { color: var(--muted); cursor: default; justify-content: center; }
  .icon { width: 11px; height: 11px; background: var(--accent); border-radius: 2px; }
  .icon.sphere { background: var(--warn); border-radius: 50%; }
  .muted { color: var(--muted); font-size: 11.5px; }
  .bar { height: 14px; border-radius: 7px; background: #141b28; border: 1px solid var(--line);
         overflow: hidden; margin: 6px 0 4px; }
  .bar > div { height: 100%; width: 0; transition: width .08s linear;
               background: linear-gradient(90deg, var(--accent2), var(--accent)); }
  .bar.done > div { background: linear-gradient(90deg, #2fb67c, var(--ok)); }
  .bar.thin { height: 6px; margin: 3px 0; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: right; padding: 2px 4px; font-size: 12px; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  th { color: var(--muted); font-weight: 500; font-size: 11px; }
  td.good { color: var(--ok); font-weight: 600; }
  td.bad { color: var(--err); font-weight: 600; }
  #log { font: 11px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: #b8c2d6;
         max-height: 92px; overflow-y: auto; white-space: pre-wrap; }
  #log .err { color: var(--err); }
  #log .ok { color: var(--ok); }
</style>
</head>
<body>
<header>
  <h1>Scene Tools</h1><span class="badge">auroraview &middot; docked &middot; dcc_mode</span>
  <span id="conn" class="dot" title="bridge"></span>
</header>

<section class="card">
  <h2><span>Scene</span><span id="scene-count">&nbsp;</span></h2>
  <div class="row">
    <button id="add-cube" class="primary">+ Cube</button>
    <button id="add-sphere" class="primary">+ Sphere</button>
    <button id="delete" class="danger" disabled>Delete selected</button>
  </div>
  <div class="row">
    <input id="rename-input" placeholder="new name for the selected object" spellcheck="false">
    <button id="rename" disabled>Rename</button>
  </div>
  <ul id="scene-list"><li class="empty">empty scene</li></ul>
</section>

<section class="card">
  <h2><span>Export</span><span id="export-thread"></span></h2>
  <div class="row"><button id="export">Export scene</button>
    <span id="export-status" class="muted" style="align-self:center">idle</span></div>
  <div id="export-bar" class="bar"><div></div></div>
  <div id="export-events" class="muted">progress events: 0</div>
</section>

<section class="card">
  <h2><span>Stress test</span><span id="stress-cfg"></span></h2>
  <div class="row"><button id="stress">Run stress</button>
    <span id="stress-status" class="muted" style="align-self:center">
      worker threads &amp; page calls into the main thread</span></div>
  <div id="stress-bar" class="bar thin"><div></div></div>
  <table>
    <thead><tr><th>source</th><th>done</th><th>on main</th>
               <th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr></thead>
    <tbody>
      <tr><td id="py-label">Python threads</td>
          <td id="py-done">&ndash;</td><td id="py-main">&ndash;</td>
          <td id="py-p50">&ndash;</td><td id="py-p99">&ndash;</td><td id="py-max">&ndash;</td></tr>
      <tr><td id="pg-label">page calls</td>
          <td id="pg-done">&ndash;</td><td id="pg-main">&ndash;</td>
          <td id="pg-p50">&ndash;</td><td id="pg-p99">&ndash;</td><td id="pg-max">&ndash;</td></tr>
    </tbody>
  </table>
  <div id="stress-foot" class="muted" style="margin-top:4px">&nbsp;</div>
</section>

<section class="card">
  <h2><span>Activity</span><span id="log-count"></span></h2>
  <div id="log"></div>
</section>

<script>
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const demo = { last: Promise.resolve(null), scene: [], exportEvents: 0, stress: null };
  window.demo = demo;

  // -- helpers -----------------------------------------------------------------------------
  function log(text, cls) {
    const line = document.createElement("div");
    const t = new Date();
    const stamp = t.toTimeString().slice(0, 8) + "." + String(t.getMilliseconds()).padStart(3, "0");
    line.textContent = stamp + "  " + text;
    if (cls) line.className = cls;
    const box = $("log");
    box.prepend(line);
    while (box.childNodes.length > 60) box.removeChild(box.lastChild);
  }
  function num(x) { return x < 10 ? x.toFixed(2) : x.toFixed(1); }
  function ms(x) { return num(x) + " ms"; }
  function percentile(values, q) {
    if (!values.length) return 0;
    const sorted = Array.from(values).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))];
  }
  // Record what a button started, for whoever waits on it (the scripted run).
  function act(promise) {
    demo.last = promise;
    promise.catch(() => {});
    return promise;
  }

  // -- scene -------------------------------------------------------------------------------
  function selected() { return demo.scene.filter((o) => o.selected).map((o) => o.name); }

  function renderScene(rows) {
    demo.scene = rows;
    const list = $("scene-list");
    list.textContent = "";
    if (!rows.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "empty scene";
      list.appendChild(li);
    }
    for (const obj of rows) {
      const li = document.createElement("li");
      li.dataset.name = obj.name;
      if (obj.selected) li.className = "selected";
      const icon = document.createElement("span");
      icon.className = "icon " + obj.kind;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = obj.name;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = obj.kind;
      li.append(icon, name, kind);
      li.addEventListener("click", (ev) => onRowClick(obj.name, ev.ctrlKey || ev.metaKey));
      list.appendChild(li);
    }
    const sel = selected();
    $("scene-count").textContent = rows.length + " objects \u00b7 " + sel.length + " selected";
    $("delete").disabled = sel.length === 0;
    $("rename").disabled = sel.length !== 1;
  }

  async function sceneCall(name, data, label) {
    const t0 = performance.now();
    try {
      const reply = await auroraview.call(name, data);
      renderScene(reply.scene);
      log(label + (reply.result ? " \u2192 " + reply.result : "") + "  [ran on " + reply.thread +
          ", " + ms(performance.now() - t0) + "]");
      return reply;
    } catch (e) {
      log(label + " failed: " + e.name + ": " + e.message, "err");
      throw e;
    }
  }

  function onRowClick(name, toggle) {
    let names = [name];
    if (toggle) {
      const cur = new Set(selected());
      if (cur.has(name)) cur.delete(name); else cur.add(name);
      names = Array.from(cur);
    }
    const label = "Select " + (names.join(", ") || "none");
    return act(sceneCall("scene.select", { names: names }, label));
  }

  $("add-cube").onclick = () => act(sceneCall("scene.add", { kind: "cube" }, "Add cube"));
  $("add-sphere").onclick = () => act(sceneCall("scene.add", { kind: "sphere" }, "Add sphere"));
  $("delete").onclick = () => {
    const names = selected();
    return act(sceneCall("scene.delete", { names: names }, "Delete " + names.join(", ")));
  };
  $("rename").onclick = () => {
    const old = selected()[0];
    const wanted = $("rename-input").value;
    return act(sceneCall("scene.rename", { name: old, new_name: wanted },
                         "Rename " + old + " to '" + wanted + "'").then((r) => {
      $("rename-input").value = "";
      return r;
    }));
  };
  $("rename-input").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !$("rename").disabled) $("rename").click();
  });
  // Changes made elsewhere (the native outliner, Python code) arrive as events.
  auroraview.on("scene.changed", (rows) => renderScene(rows));

  // -- export: a Python background thread streams progress with emit() ---------------------
  let exporting = false;
  auroraview.on("export.progress", (p) => {
    demo.exportEvents += 1;
    $("export-bar").firstElementChild.style.width = p.percent + "%";
    $("export-status").textContent = p.percent + "%  " + p.status;
    $("export-events").textContent = "progress events: " + demo.exportEvents +
      "  \u00b7  emitted from thread " + p.thread;
  });
  $("export").onclick = () => {
    if (exporting) return demo.last;
    exporting = true;
    demo.exportEvents = 0;
    $("export").disabled = true;
    $("export-bar").classList.remove("done");
    const done = new Promise((resolve) => auroraview.once("export.done", resolve));
    const job = auroraview.call("export.start", {}).then((r) => {
      $("export-thread").textContent = "job thread: " + r.job_thread;
      log("Export started: " + r.objects + " objects  [handler ran on " + r.thread + "]");
      return done;
    }).then((result) => {
      $("export-bar").classList.add("done");
      $("export-status").textContent = "100%  " + result.status;
      log("Export done: " + demo.exportEvents + " progress events in " +
          ms(result.elapsed_ms), "ok");
      return Object.assign({ events_seen: demo.exportEvents }, result);
    }, (e) => {
      log("Export failed: " + e.name + ": " + e.message, "err");
      throw e;
    }).finally(() => { exporting = false; $("export").disabled = false; });
    return act(job);
  };

  // -- stress: Python worker threads and a burst of page calls, all into the main thread ----
  let stressing = false;
  let live = { py: 0, pyTotal: 0, pg: 0, pgTotal: 0 };
  let liveQueued = false;
  function showLive() {
    if (liveQueued) return;
    liveQueued = true;
    requestAnimationFrame(() => {
      liveQueued = false;
      $("py-done").textContent = live.py + "/" + live.pyTotal;
      $("pg-done").textContent = live.pg + "/" + live.pgTotal;
      const total = live.pyTotal + live.pgTotal;
      $("stress-bar").firstElementChild.style.width =
        (total ? (100 * (live.py + live.pg)) / total : 0) + "%";
    });
  }
  auroraview.on("stress.progress", (p) => { live.py = p.done; showLive(); });

  function fillRow(prefix, s, total) {
    $(prefix + "-done").textContent = s.ok + "/" + total;
    const main = $(prefix + "-main");
    main.textContent = s.on_main + "/" + total;
    main.className = s.on_main === total ? "good" : "bad";
    $(prefix + "-p50").textContent = num(s.p50_ms);
    $(prefix + "-p99").textContent = num(s.p99_ms);
    $(prefix + "-max").textContent = num(s.max_ms);
  }

  async function runStress() {
    const pythonDone = new Promise((resolve) => auroraview.once("stress.python_done", resolve));
    const cfg = await auroraview.call("stress.start", {});
    const n = cfg.page_calls;
    $("stress-cfg").textContent = cfg.threads + "\u00d7" + cfg.calls + " + " + n;
    $("py-label").textContent = "Python " + cfg.threads + "\u00d7" + cfg.calls;
    $("pg-label").textContent = "page " + n + " calls";
    $("stress-status").textContent = "running\u2026";
    live = { py: 0, pyTotal: cfg.threads * cfg.calls, pg: 0, pgTotal: n };
    log("Stress: " + cfg.threads + " Python threads \u00d7 " + cfg.calls +
        " run_on_main_thread_sync + " + n + " concurrent auroraview.call");
    const latencies = new Float64Array(n);
    let ok = 0, onMain = 0, failed = 0, firstError = "";
    const t0 = performance.now();
    const calls = [];
    for (let i = 0; i < n; i++) {
      const sent = performance.now();
      calls.push(auroraview.call("stress.ping", i).then((r) => {
        latencies[i] = performance.now() - sent;
        ok += 1;
        if (r.main) onMain += 1;
        live.pg = ok;
        showLive();
      }, (e) => { failed += 1; firstError = firstError || e.name + ": " + e.message; }));
    }
    await Promise.all(calls);
    const page = {
      calls: n, ok: ok, on_main: onMain, failed: failed, first_error: firstError,
      wall_ms: performance.now() - t0, p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99), max_ms: percentile(latencies, 100),
    };
    await pythonDone;
    const result = await auroraview.call("stress.finish", page);
    fillRow("py", result.python, result.python.calls);
    fillRow("pg", result.page, result.page.calls);
    $("stress-bar").firstElementChild.style.width = "100%";
    $("stress-bar").classList.add("done");
    const verdict = result.ok ? "all on the main thread" : "FAILED";
    $("stress-status").textContent = verdict + " in " + ms(result.wall_ms);
    $("stress-foot").textContent = "main loop's longest gap: " + ms(result.main_gap_ms) +
      "  \u00b7  " + result.throughput + " calls/s";
    log("Stress: " + (result.python.on_main + result.page.on_main) + " calls " + verdict,
        result.ok ? "ok" : "err");
    demo.stress = result;
    return result;
  }
  $("stress").onclick = () => {
    if (stressing) return demo.last;
    stressing = true;
    $("stress").disabled = true;
    $("stress-bar").classList.remove("done");
    const run = runStress().catch((e) => {
      $("stress-status").textContent = "failed: " + e.message;
      log("Stress failed: " + e.name + ": " + e.message, "err");
      throw e;
    }).finally(() => { stressing = false; $("stress").disabled = false; });
    return act(run);
  };

  // -- for the scripted run ----------------------------------------------------------------
  demo.click = (id) => { $(id).click(); return demo.last; };
  demo.clickRow = (name) => {
    const row = document.querySelector('#scene-list li[data-name="' + name + '"]');
    if (!row) throw new Error("no row named " + name);
    row.click();
    return demo.last;
  };
  demo.rename = (newName) => { $("rename-input").value = newName; return demo.click("rename"); };
  demo.rows = () => Array.from(document.querySelectorAll("#scene-list li[data-name]"))
    .map((li) => li.dataset.name);

  auroraview.whenReady().then(() => auroraview.call("scene.list", {})).then((reply) => {
    $("conn").classList.add("on");
    renderScene(reply.scene);
    log("Connected: handlers run on " + reply.thread, "ok");
  }, (e) => log("Could not load the scene: " + e.message, "err"));
})();
</script>
</body>
</html>
"""
