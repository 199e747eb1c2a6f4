// auroraview JS bridge: injected into the main frame of every page before page scripts run.
// It defines window.auroraview (call / on / off / once / emit / whenReady) and the private
// window.__auroraview_deliver that the host calls with batches of operations.
// Placeholders replaced by Rust: __AV_TOKEN__ (per-WebView secret), __AV_MAX__ (byte limit).
(function () {
  "use strict";
  if (window.top !== window) return; // sub-frames never get the bridge
  if (Object.prototype.hasOwnProperty.call(window, "auroraview")) return;
  var ipc = window.ipc; // defined (frozen) by wry before this script runs
  if (!ipc || typeof ipc.postMessage !== "function") return;

  var TOKEN = "__AV_TOKEN__";
  var MAX = __AV_MAX__;
  var nextId = 1;
  var pending = new Map(); // call id -> {resolve, reject, name}
  var listeners = new Map(); // event name -> array of functions
  var resolveReady;
  var ready = new Promise(function (r) { resolveReady = r; });

  function byteLength(text) {
    // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (text.length * 3 <= MAX) return text.length;
    return new TextEncoder().encode(text).length;
  }

  // Messages posted during one JS task travel together: one postMessage per burst, as a
  // JSON array, so a page firing a thousand calls costs the host one dispatch, not a
  // thousand. Order is kept; each batch stays within the size limit.
  var outbox = [];
  var outboxBound = 0; // upper bound of the batch's UTF-8 size
  var flushScheduled = false;

  function flush() {
    flushScheduled = false;
    var batch = outbox;
    outbox = [];
    outboxBound = 0;
    if (batch.length === 1) ipc.postMessage(batch[0]);
    else if (batch.length > 1) ipc.postMessage("[" + batch.join(",") + "]");
  }

  function send(message) {
    message.k = TOKEN;
    var text = JSON.stringify(message);
    var size = byteLength(text);
    if (size > MAX) {
      throw new RangeError("auroraview: message of " + size +
        " bytes exceeds the " + MAX + "-byte limit");
    }
    var bound = Math.min(text.length * 3, MAX) + 1;
    if (outboxBound + bound > MAX) flush();
    outbox.push(text);
    outboxBound += bound;
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  }

  function errorInfo(e) {
    if (e && typeof e === "object") {
      return { name: String(e.name || "Error"), message: String(e.message || e) };
    }
    return { name: "Error", message: String(e) };
  }

  function report(e) {
    // JavaScriptCore's e.stack holds the frames only: lead with the name and message.
    var text = e instanceof Error ? e.name + ": " + e.message + (e.stack ? "\n" + e.stack : "")
      : String(e);
    try { send({ t: "log", message: text }); } catch (_) { /* ignore */ }
  }

  function call(name, data, options) {
    return new Promise(function (resolve, reject) {
      if (typeof name !== "string" || name === "") {
        reject(new TypeError("auroraview.call: the handler name must be a non-empty string"));
        return;
      }
      var timeoutMs = options == null ? undefined : options.timeoutMs;
      if (timeoutMs !== undefined &&
          !(typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs < Infinity)) {
        reject(new TypeError("auroraview.call('" + name +
          "'): timeoutMs must be a positive number of milliseconds"));
        return;
      }
      var id = nextId++;
      try {
        send({ t: "call", id: id, name: name, data: data === undefined ? null : data });
      } catch (e) {
        var err = e instanceof RangeError ? e : new TypeError(
          "auroraview.call('" + name + "'): data is not JSON-serialisable: " + e.message);
        reject(err);
        return;
      }
      var entry = { resolve: resolve, reject: reject, name: name, timer: null };
      pending.set(id, entry);
      if (timeoutMs !== undefined) {
        // The page stops waiting; the handler still runs, and its late answer is dropped.
        entry.timer = setTimeout(function () {
          if (pending.get(id) !== entry) return;
          pending.delete(id);
          var err = new Error("auroraview.call('" + name + "') got no answer within " +
            timeoutMs + " ms");
          err.name = "TimeoutError";
          reject(err);
        }, timeoutMs);
      }
    });
  }

  function settle(id, ok, payload) {
    var entry = pending.get(id);
    if (!entry) return; // unknown, or the caller stopped waiting (timeoutMs)
    pending.delete(id);
    if (entry.timer !== null) clearTimeout(entry.timer);
    if (ok) {
      entry.resolve(payload);
    } else {
      var err = new Error(payload && payload.message);
      err.name = (payload && payload.name) || "Error";
      entry.reject(err);
    }
  }

  function on(name, fn) {
    if (typeof fn !== "function") throw new TypeError("auroraview.on: listener must be a function");
    var list = listeners.get(name);
    if (!list) { list = []; listeners.set(name, list); }
    list.push(fn);
    return function unsubscribe() { off(name, fn); };
  }

  function off(name, fn) {
    var list = listeners.get(name);
    if (!list) return;
    if (fn === undefined) { listeners.delete(name); return; }
    var i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) listeners.delete(name);
  }

  function once(name, fn) {
    var unsubscribe = on(name, function (data) { unsubscribe(); return fn(data); });
    return unsubscribe;
  }

  function dispatch(name, data) {
    var list = listeners.get(name);
    if (!list) return;
    list = list.slice();
    for (var i = 0; i < list.length; i++) {
      try { list[i](data); } catch (e) { report(e); }
    }
  }

  function emit(name, data) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError("auroraview.emit: the event name must be a non-empty string");
    }
    send({ t: "emit", name: name, data: data === undefined ? null : data });
  }

  function postValue(id, value) {
    var message = { t: "eval", id: id, ok: true, value: value === undefined ? null : value };
    try {
      send(message);
    } catch (e) {
      // Too large (RangeError from send) or not JSON (TypeError from JSON.stringify).
      send({ t: "eval", id: id, ok: false, error: e instanceof RangeError
        ? { name: "RangeError", message: "the script's value was refused: " + e.message }
        : { name: "TypeError", message: "the script's value is not JSON-serialisable: " +
            e.message } });
    }
  }

  function evalWithResult(id, source) {
    var value;
    try {
      value = (0, eval)(source);
    } catch (e) {
      send({ t: "eval", id: id, ok: false, error: errorInfo(e) });
      return;
    }
    if (value && typeof value.then === "function") {
      value.then(function (v) { postValue(id, v); },
        function (e) { send({ t: "eval", id: id, ok: false, error: errorInfo(e) }); });
    } else {
      postValue(id, value);
    }
  }

  function deliver(ops) {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      try {
        switch (op[0]) {
          case "e": dispatch(op[1], op[2]); break;
          case "r": settle(op[1], op[2] === 1, op[3]); break;
          case "x": (0, eval)(op[1]); break;
          case "v": evalWithResult(op[1], op[2]); break;
          case "a": resolveReady(); break;
        }
      } catch (e) {
        report(e);
      }
    }
  }

  window.addEventListener("pagehide", function () {
    pending.forEach(function (entry) {
      entry.reject(new Error("auroraview: the page is unloading; call '" + entry.name +
        "' was abandoned"));
    });
    pending.clear();
  });

  Object.defineProperty(window, "__auroraview_deliver", { value: deliver });
  Object.defineProperty(window, "auroraview", {
    value: Object.freeze({
      call: call, on: on, off: off, once: once, emit: emit,
      whenReady: function () { return ready; },
    }),
  });

  send({ t: "init" });
  function domReady() { send({ t: "ready" }); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", domReady, { once: true });
  } else {
    domReady();
  }
})();
