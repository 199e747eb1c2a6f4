// auroraview JS bridge: injected into the main frame of every page before page scripts run.
// It defines window.auroraview (call / on / off / once / emit / whenReady / kwargs /
// options, and any other name as a namespace of methods bound with bind_api:
// auroraview.api.method(...)) and the private window.__auroraview_deliver that the host
// calls with batches of operations.
//
// Hostile pages: a page may replace any global or prototype method (JSON.stringify,
// Array.prototype.push, Promise, setTimeout, Object.prototype setters and toJSON, ...).
// So everything the bridge uses is captured here, before any page script runs, and called
// through those captured references; its own records are objects without a prototype; and
// the per-WebView secret (TOKEN) never enters an object, an array or a call the page can
// reach: it is added to the outgoing text by string concatenation, and the text goes
// straight to the engine's native postMessage, also captured here.
//
// Placeholders replaced by Rust: __AV_TOKEN__ (the secret), __AV_MAX__ (byte limit),
// __AV_POST__ (an expression giving a function that posts one string to the host with the
// engine's native message handler, captured now; null when there is none), __AV_CONSOLE__
// (true: the page's console.* calls are forwarded to the host).
//
// Two files, one script: this one opens the bridge's function (captures, sending to the
// host, calls, bound methods); bridge_page.js continues its body (events, evaluations,
// dialogs, console forwarding, the page's lifecycle, window.auroraview) and closes it.
// bridge.rs joins them; neither is a script on its own.
//
// Window events: listeners of "close_requested" get an event whose preventDefault() refuses
// the close; the host learns that the page has such listeners through the internal event
// "auroraview:guard" and asks them with the private __auroraview_close_requested(). Host
// events such as "file_drop" arrive as ordinary events. auroraview.dialog.* are calls of
// the internal handler "auroraview:dialog".
(function () {
  "use strict";
  var W = window;
  if (W.top !== W) return; // sub-frames never get the bridge
  if (Object.prototype.hasOwnProperty.call(W, "auroraview")) return;

  // --- captured before any page script can change them ---------------------------------
  var apply = Reflect.apply;
  var reflectGet = Reflect.get;
  var defineProperty = Object.defineProperty;
  var freeze = Object.freeze;
  var hasOwn = Object.prototype.hasOwnProperty;
  var ProxyCtor = Proxy;
  var WeakMapCtor = WeakMap;
  var weakGet = WeakMap.prototype.get;
  var weakSet = WeakMap.prototype.set;
  // Names every object answers (toString, constructor, ...): never namespaces.
  var plainNames = { __proto__: null, then: true };
  var protoNames = Object.getOwnPropertyNames(Object.prototype);
  for (var pn = 0; pn < protoNames.length; pn++) plainNames[protoNames[pn]] = true;
  var stringify = JSON.stringify;
  var P = Promise;
  var ErrorCtor = Error;
  var TypeErrorCtor = TypeError;
  var RangeErrorCtor = RangeError;
  var StringCtor = String;
  var indirectEval = W.eval;
  var setTimeoutRaw = W.setTimeout;
  var clearTimeoutRaw = W.clearTimeout;
  var queueMicrotaskRaw = W.queueMicrotask;
  var encoder = new TextEncoder();
  var encode = TextEncoder.prototype.encode;
  var sliceString = String.prototype.slice;
  var addListener = EventTarget.prototype.addEventListener;
  var doc = W.document;
  function getter(proto, name) {
    var d = Object.getOwnPropertyDescriptor(proto, name);
    return d && d.get;
  }
  var documentURL = getter(Document.prototype, "URL");
  var readyState = getter(Document.prototype, "readyState");
  var persisted = getter(PageTransitionEvent.prototype, "persisted");
  var postRaw = __AV_POST__;
  if (typeof postRaw !== "function") return;

  var TOKEN = "__AV_TOKEN__";
  var MAX = __AV_MAX__;
  var POST_TARGET = __AV_POST_TARGET__; // a post is sent once it holds this much
  var FORWARD_CONSOLE = __AV_CONSOLE__;
  var CLOSE_EVENT = "close_requested";
  var MAX_DELAY = 2147483647; // setTimeout's longest delay (2^31-1 ms)
  // Call ids start at a random 52-bit number in each document, not at 1: an answer for a
  // call of the previous document that reaches this one (the page navigated after the host
  // checked it) then matches no call here instead of settling this document's call of the
  // same number with another's value. Ids stay below 2^53, exact in JSON and JavaScript.
  var nextId;
  try {
    var seed = new Uint32Array(2);
    apply(Crypto.prototype.getRandomValues, W.crypto, [seed]);
    nextId = (seed[0] & 0xfffff) * 4294967296 + seed[1] + 1;
  } catch (_) {
    nextId = Math.floor(Math.random() * 4503599627370496) + 1;
  }
  var pending = { __proto__: null }; // call id -> {resolve, reject, name, timer}
  var listeners = { __proto__: null }; // event name -> list (see newList)
  var resolveReady;
  var ready = new P(function (r) { resolveReady = r; });

  function call0(fn, self) { return apply(fn, self, []); }

  function text(x) {
    try { return StringCtor(x); } catch (_) { return "<a value that cannot be shown>"; }
  }

  function byteLength(s) {
    // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (s.length * 3 <= MAX) return s.length;
    return apply(encode, encoder, [s]).length;
  }

  // --- to the host ------------------------------------------------------------------------
  // Messages posted during one JS task travel together, in posts of about POST_TARGET: a
  // page firing a thousand calls costs the host a few dispatches, each short enough not to
  // hold a host's main thread. Order is kept; each post stays within the size limit. The
  // outbox is a string: nothing a page can hook.
  var outbox = "";
  // This document's id (posts say it: the host tells a new document's posts from an old
  // one's by it), and whether the next post announces the document: that one goes the
  // engine's way, which keeps its order with the engine's navigation events; the rest may
  // take the bridge's socket (Linux), which does not.
  var DOC_BASE = "" + Math.floor(Math.random() * 9007199254740991);
  var DOC = DOC_BASE;
  var showings = 0; // a page restored from the back/forward cache gets a new id
  var announce = true;
  var outboxBound = 0; // upper bound of the outbox's UTF-8 size
  var flushScheduled = false;

  function flush() {
    flushScheduled = false;
    if (outbox === "") return;
    var body = outbox;
    outbox = "";
    outboxBound = 0;
    var url = "";
    try { url = apply(sliceString, call0(documentURL, doc), [0, 4096]); } catch (_) { /* "" */ }
    var first = announce;
    announce = false;
    postRaw('{"k":"' + TOKEN + '","d":"' + DOC + '","u":' + stringify(url) + ',"m":[' + body + "]}",
      first);
  }

  function queue(message) {
    var bound = (message.length * 3 < MAX ? message.length * 3 : MAX) + 1;
    if (outboxBound + bound > MAX) flush();
    outbox = outbox === "" ? message : outbox + "," + message;
    outboxBound += bound;
    if (outbox.length >= POST_TARGET) {
      flush();
      return;
    }
    if (!flushScheduled) {
      flushScheduled = true;
      apply(queueMicrotaskRaw, W, [flush]);
    }
  }

  // One message as JSON text ({text}), or why it is refused ({json: detail} when the value
  // is not JSON-serialisable, {size: bytes} when it is too large). `value` is the page's;
  // whatever its toJSON or getters throw is caught. `key` names the value's field.
  function encodeMessage(head, key, value) {
    var body = "{" + head;
    if (key !== null) {
      var json;
      try {
        json = stringify(value === undefined ? null : value);
      } catch (e) {
        return { __proto__: null, json: errorInfo(e).message };
      }
      body += ',"' + key + '":' + (json === undefined ? "null" : json);
    }
    body += "}";
    var size = byteLength(body);
    if (size > MAX) return { __proto__: null, size: size };
    return { __proto__: null, text: body };
  }

  function tooLarge(size) {
    return "message of " + size + " bytes exceeds the " + MAX + "-byte limit";
  }

  function errorInfo(e) {
    var name = "Error";
    var message;
    if (e !== null && (typeof e === "object" || typeof e === "function")) {
      try {
        var n = e.name;
        if (n !== undefined && n !== null && n !== "") name = text(n);
      } catch (_) { /* keep "Error" */ }
      try {
        var m = e.message;
        message = m === undefined || m === null ? text(e) : text(m);
      } catch (_) {
        message = "<the error's message cannot be read>";
      }
    } else {
      message = text(e);
    }
    return { __proto__: null, name: name, message: message };
  }

  function namedError(name, message) {
    var err = new ErrorCtor(message);
    defineProperty(err, "name", { __proto__: null, value: name, writable: true,
      configurable: true });
    return err;
  }

  function report(e) {
    var info = errorInfo(e);
    var detail = info.name + ": " + info.message;
    try {
      var stack = e && e.stack;
      if (typeof stack === "string" && stack !== "") detail += "\n" + stack;
    } catch (_) { /* no stack */ }
    var m = encodeMessage('"t":"log","message":' + stringify(detail), null);
    if (m.text !== undefined) queue(m.text);
  }

  // --- calls ------------------------------------------------------------------------------
  function call(name, data, options) {
    return send(name, options, function (head) {
      return encodeMessage(head, "data", data);
    });
  }

  // One call: `encode(head)` makes its message from the head (type, id, name, flags).
  function send(name, options, encode) {
    return new P(function (resolve, reject) {
      if (typeof name !== "string" || name === "") {
        reject(new TypeErrorCtor("auroraview.call: the handler name must be a non-empty string"));
        return;
      }
      var timeoutMs, onMessage;
      try {
        if (options !== undefined && options !== null) {
          timeoutMs = options.timeoutMs;
          onMessage = options.onMessage;
        }
      } catch (e) {
        reject(e);
        return;
      }
      if (timeoutMs !== undefined &&
          !(typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs < Infinity)) {
        reject(new TypeErrorCtor("auroraview.call('" + name +
          "'): timeoutMs must be a positive number of milliseconds"));
        return;
      }
      if (onMessage !== undefined && typeof onMessage !== "function") {
        reject(new TypeErrorCtor("auroraview.call('" + name +
          "'): onMessage must be a function"));
        return;
      }
      var id = nextId++;
      var head = '"t":"call","id":' + id + ',"name":' + stringify(name);
      if (onMessage !== undefined) head += ',"c":1';
      var m = encode(head);
      if (m.text === undefined) {
        reject(m.size !== undefined ? new RangeErrorCtor("auroraview: " + tooLarge(m.size))
          : new TypeErrorCtor("auroraview.call('" + name +
            "'): data is not JSON-serialisable: " + m.json));
        return;
      }
      var entry = { __proto__: null, resolve: resolve, reject: reject, name: name, timer: null,
        onMessage: onMessage === undefined ? null : onMessage };
      pending[id] = entry;
      if (timeoutMs !== undefined) startTimer(id, entry, timeoutMs, timeoutMs);
      queue(m.text);
    });
  }

  // A message on call `id`'s channel, for its onMessage (if the page still waits for it).
  function channelMessage(id, data) {
    var entry = pending[id];
    if (entry === undefined || entry.onMessage === null) return;
    try { apply(entry.onMessage, undefined, [data]); } catch (e) { report(e); }
  }

  // --- bound methods (bind_api) -----------------------------------------------------------
  // auroraview.NS.METHOD(a, b, auroraview.kwargs({k: 1}), auroraview.options({timeoutMs}))
  // calls Python's NS.METHOD(a, b, k=1). Markers made by kwargs()/options() are recognised
  // through a private WeakMap; any other value is a positional argument.
  var markers = new WeakMapCtor();

  function marker(kind, what, value) {
    if (value === null || typeof value !== "object") {
      throw new TypeErrorCtor("auroraview." + kind + ": pass an object of " + what);
    }
    var m = freeze({ __proto__: null });
    apply(weakSet, markers, [m, { __proto__: null, kind: kind, value: value }]);
    return m;
  }

  function rejected(err) {
    return new P(function (_resolve, reject) { reject(err); });
  }

  function markerOf(x) {
    if (x === null || typeof x !== "object") return undefined;
    return apply(weakGet, markers, [x]);
  }

  function callBound(qualified, args) {
    var kwargs = null;
    var options;
    var parts = "";
    var count = 0;
    for (var i = 0; i < args.length; i++) {
      var mark = markerOf(args[i]);
      if (mark !== undefined && mark.kind === "kwargs") { kwargs = mark.value; continue; }
      if (mark !== undefined) { options = mark.value; continue; }
      var json;
      try {
        json = stringify(args[i] === undefined ? null : args[i]);
      } catch (e) {
        return rejected(new TypeErrorCtor("auroraview." + qualified + ": argument " + i +
          " is not JSON-serialisable: " + errorInfo(e).message));
      }
      parts += (count++ === 0 ? "" : ",") + (json === undefined ? "null" : json);
    }
    var kwjson = "{}";
    if (kwargs !== null) {
      try {
        kwjson = stringify(kwargs);
      } catch (e) {
        return rejected(new TypeErrorCtor("auroraview." + qualified +
          ": kwargs are not JSON-serialisable: " + errorInfo(e).message));
      }
      if (kwjson === undefined || kwjson[0] !== "{") {
        return rejected(new TypeErrorCtor("auroraview." + qualified +
          ": kwargs must be an object"));
      }
    }
    var data = '{"args":[' + parts + '],"kwargs":' + kwjson + "}";
    return send(qualified, options, function (head) {
      var body = "{" + head + ',"b":1,"data":' + data + "}";
      var size = byteLength(body);
      if (size > MAX) return { __proto__: null, size: size };
      return { __proto__: null, text: body };
    });
  }

  // auroraview.NS: a namespace whose every property is a method calling NS.<property>.
  var namespaces = { __proto__: null };

  function namespaceOf(ns) {
    var existing = namespaces[ns];
    if (existing !== undefined) return existing;
    var methods = { __proto__: null };
    var proxy = new ProxyCtor(freeze({ __proto__: null }), {
      __proto__: null,
      get: function (_target, key) {
        if (typeof key !== "string" || plainNames[key] === true) return undefined;
        var fn = methods[key];
        if (fn === undefined) {
          var qualified = ns + "." + key;
          fn = function () {
            var args = { __proto__: null, length: arguments.length };
            for (var i = 0; i < arguments.length; i++) args[i] = arguments[i];
            return callBound(qualified, args);
          };
          methods[key] = fn;
        }
        return fn;
      },
    });
    namespaces[ns] = proxy;
    return proxy;
  }

  // The page stops waiting after `total` ms; the handler still runs, and its late answer is
  // dropped. Delays past setTimeout's limit are waited out in steps.
  function startTimer(id, entry, left, total) {
    var step = left > MAX_DELAY ? MAX_DELAY : left;
    entry.timer = apply(setTimeoutRaw, W, [function () {
      if (pending[id] !== entry) return;
      if (left > MAX_DELAY) { startTimer(id, entry, left - MAX_DELAY, total); return; }
      delete pending[id];
      entry.reject(namedError("TimeoutError", "auroraview.call('" + entry.name +
        "') got no answer within " + total + " ms"));
    }, step]);
  }

  function settle(id, ok, payload) {
    var entry = pending[id];
    if (entry === undefined) return; // unknown, or the caller stopped waiting (timeoutMs)
    delete pending[id];
    if (entry.timer !== null) apply(clearTimeoutRaw, W, [entry.timer]);
    if (ok) {
      entry.resolve(payload);
    } else {
      var info = payload !== null && typeof payload === "object" ? payload : { __proto__: null };
      entry.reject(namedError(info.name ? text(info.name) : "Error", text(info.message)));
    }
  }
