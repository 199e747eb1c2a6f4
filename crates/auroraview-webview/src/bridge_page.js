// auroraview JS bridge, second part: the body of the function bridge.js opens, continued
// (bridge.rs joins the two; this is not a script on its own). Everything bridge.js
// captured is in scope here, and the same rules hold: only captured references, records
// without a prototype, the token only in outgoing text.

  // --- events -----------------------------------------------------------------------------
  // A listener list is a prototype-less object {n, 0: fn, 1: fn, ...}.
  function on(name, fn) {
    if (typeof fn !== "function") {
      throw new TypeErrorCtor("auroraview.on: listener must be a function");
    }
    var key = text(name);
    var list = listeners[key];
    if (list === undefined) {
      list = { __proto__: null, n: 0 };
      listeners[key] = list;
      if (key === CLOSE_EVENT) closeGuard(true);
    }
    list[list.n] = fn;
    list.n += 1;
    return function unsubscribe() { off(key, fn); };
  }

  // Tells the host whether the page listens to close requests (so it asks the page).
  function closeGuard(on) {
    queue('{"t":"emit","name":"auroraview:guard","data":{"close":' + (on ? "true" : "false") +
      "}}");
  }

  // The host asks whether the page lets the window close: runs the page's close_requested
  // listeners with an event whose preventDefault() refuses; true if none refused.
  function closeRequested() {
    var refused = false;
    var event = freeze({ __proto__: null, type: CLOSE_EVENT,
      preventDefault: function () { refused = true; } });
    dispatch(CLOSE_EVENT, event);
    return !refused;
  }

  function off(name, fn) {
    var key = text(name);
    var list = listeners[key];
    if (list === undefined) return;
    if (fn === undefined) {
      delete listeners[key];
      if (key === CLOSE_EVENT) closeGuard(false);
      return;
    }
    for (var i = 0; i < list.n; i++) {
      if (list[i] === fn) {
        for (var j = i; j + 1 < list.n; j++) list[j] = list[j + 1];
        list.n -= 1;
        delete list[list.n];
        break;
      }
    }
    if (list.n === 0) {
      delete listeners[key];
      if (key === CLOSE_EVENT) closeGuard(false);
    }
  }

  function once(name, fn) {
    var unsubscribe = on(name, function (data) { unsubscribe(); return fn(data); });
    return unsubscribe;
  }

  function dispatch(name, data) {
    var list = listeners[name];
    if (list === undefined) return;
    var snapshot = { __proto__: null };
    var count = list.n;
    for (var i = 0; i < count; i++) snapshot[i] = list[i];
    for (var k = 0; k < count; k++) {
      try { snapshot[k](data); } catch (e) { report(e); }
    }
  }

  function emit(name, data) {
    if (typeof name !== "string" || name === "") {
      throw new TypeErrorCtor("auroraview.emit: the event name must be a non-empty string");
    }
    var m = encodeMessage('"t":"emit","name":' + stringify(name), "data", data);
    if (m.size !== undefined) throw new RangeErrorCtor("auroraview: " + tooLarge(m.size));
    if (m.text === undefined) {
      throw new TypeErrorCtor("auroraview.emit('" + name + "'): data is not JSON-serialisable: " +
        m.json);
    }
    queue(m.text);
  }

  // --- evaluations ------------------------------------------------------------------------
  function postEvalError(id, name, message) {
    var head = '"t":"eval","id":' + id + ',"ok":false,"error":' +
      stringify({ __proto__: null, name: name, message: message });
    var m = encodeMessage(head, null);
    if (m.text !== undefined) {
      queue(m.text);
    } else {
      queue('{"t":"eval","id":' + id + ',"ok":false,"error":{"name":"RangeError",' +
        '"message":"the script\'s error was too large to report"}}');
    }
  }

  function postValue(id, value) {
    var m = encodeMessage('"t":"eval","id":' + id + ',"ok":true', "value", value);
    if (m.text !== undefined) {
      queue(m.text);
    } else if (m.size !== undefined) {
      postEvalError(id, "RangeError", "the script's value was refused: " + tooLarge(m.size));
    } else {
      postEvalError(id, "TypeError", "the script's value is not JSON-serialisable: " + m.json);
    }
  }

  // `await` takes a value's Promise (or thenable) apart without calling anything the page
  // replaced on Promise.prototype; a `then` getter that throws is caught like a rejection.
  async function settleEval(id, value) {
    var result;
    try {
      result = await value;
    } catch (e) {
      var info = errorInfo(e);
      postEvalError(id, info.name, info.message);
      return;
    }
    postValue(id, result);
  }

  function evalWithResult(id, source) {
    var value;
    try {
      value = indirectEval(source);
    } catch (e) {
      var info = errorInfo(e);
      postEvalError(id, info.name, info.message);
      return;
    }
    settleEval(id, value);
  }

  function deliver(ops) {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      try {
        switch (op[0]) {
          case "e": dispatch(op[1], op[2]); break;
          case "r": settle(op[1], op[2] === 1, op[3]); break;
          case "x": indirectEval(op[1]); break;
          case "v": evalWithResult(op[1], op[2]); break;
          case "a": resolveReady(); break;
          case "m": channelMessage(op[1], op[2]); break;
        }
      } catch (e) {
        report(e);
      }
    }
  }

  // --- native dialogs -------------------------------------------------------------------
  // auroraview.dialog.open({multiple, directory, title, defaultPath, filters}) and the others
  // are calls of the host's internal "auroraview:dialog" handler; options are the page's
  // (the host checks them).
  function dialogCall(kind, options) {
    return send("auroraview:dialog", undefined, function (head) {
      return encodeMessage(head, "data", { __proto__: null, kind: kind,
        options: options === undefined ? null : options });
    });
  }
  var dialog = freeze({
    open: function (options) { return dialogCall("open", options); },
    save: function (options) { return dialogCall("save", options); },
    message: function (options) { return dialogCall("message", options); },
    confirm: function (options) { return dialogCall("confirm", options); },
  });

  // --- console forwarding ---------------------------------------------------------------
  // With __AV_CONSOLE__, console.log/info/warn/error/debug also send their text to the host
  // (the page's own console still gets the call). A page may replace them again; then its
  // messages are simply not forwarded.
  function consoleText(args) {
    var out = "";
    for (var i = 0; i < args.length && out.length < 8192; i++) {
      var a = args[i];
      var piece;
      if (typeof a === "string") {
        piece = a;
      } else {
        try { piece = stringify(a); } catch (_) { piece = undefined; }
        if (typeof piece !== "string") piece = text(a);
      }
      out += (i === 0 ? "" : " ") + piece;
    }
    return apply(sliceString, out, [0, 8192]);
  }
  function forwardConsole(level, args) {
    var m = encodeMessage('"t":"emit","name":"auroraview:console"', "data",
      { __proto__: null, level: level, text: consoleText(args) });
    if (m.text !== undefined) queue(m.text);
  }
  if (FORWARD_CONSOLE) {
    var consoleObject = W.console;
    var consoleLevels = ["debug", "log", "info", "warn", "error"];
    for (var ci = 0; ci < consoleLevels.length; ci++) {
      (function (level) {
        var original = consoleObject[level];
        consoleObject[level] = function () {
          try { forwardConsole(level, arguments); } catch (_) { /* never break the page */ }
          if (typeof original === "function") return apply(original, consoleObject, arguments);
        };
      })(consoleLevels[ci]);
    }
  }

  // --- page lifecycle ---------------------------------------------------------------------
  function handshake() {
    queue('{"t":"ready"}');
  }

  apply(addListener, W, ["pagehide", function () {
    for (var id in pending) {
      var entry = pending[id];
      delete pending[id];
      if (entry.timer !== null) apply(clearTimeoutRaw, W, [entry.timer]);
      entry.reject(namedError("Error", "auroraview: the page is unloading; call '" +
        entry.name + "' was abandoned"));
    }
  }]);
  // The document's first post, alone, announcing it (see `announce` in bridge.js).
  function announceDocument() {
    flush();
    announce = true;
    queue('{"t":"init"}');
    flush();
  }
  // A page restored from the back/forward cache keeps this bridge but is a new page to the
  // host: announce it again and say ready again, so what the host holds for it flows.
  apply(addListener, W, ["pageshow", function (event) {
    var restored = false;
    try { restored = call0(persisted, event) === true; } catch (_) { /* not restored */ }
    if (restored) {
      // A new id: its posts from before it was left are an old page's, dropped as such.
      flush();
      showings += 1;
      DOC = DOC_BASE + "." + showings;
      announceDocument();
      handshake();
    }
  }]);

  defineProperty(W, "__auroraview_deliver", { __proto__: null, value: deliver });
  defineProperty(W, "__auroraview_close_requested", { __proto__: null, value: closeRequested });
  var bridge = freeze({
    call: call, on: on, off: off, once: once, emit: emit,
    whenReady: function () { return ready; },
    dialog: dialog,
    kwargs: function (values) { return marker("kwargs", "keyword arguments", values); },
    options: function (values) { return marker("options", "call options", values); },
  });
  defineProperty(W, "auroraview", {
    __proto__: null,
    value: new ProxyCtor(bridge, {
      __proto__: null,
      get: function (target, key, receiver) {
        if (typeof key !== "string" || apply(hasOwn, target, [key]) || plainNames[key] === true) {
          return apply(reflectGet, undefined, [target, key, receiver]);
        }
        return namespaceOf(key);
      },
    }),
  });

  announceDocument();
  if (call0(readyState, doc) === "loading") {
    apply(addListener, doc, ["DOMContentLoaded", handshake, { __proto__: null, once: true }]);
  } else {
    handshake();
  }
})();
