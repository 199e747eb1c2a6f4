// Unit tests of @auroraview/bridge (node's test runner): the mock keeps the real bridge's
// contract, the real bridge wins when present, channels, bindings, and the declarations
// are the Python package's, byte for byte.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  Channel,
  bindings,
  bridge,
  call,
  createMock,
  emit,
  isAuroraView,
  kwargs,
  on,
  once,
  options,
  useMock,
  whenReady,
} from "../dist/index.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("outside auroraview without a mock, calls say what to do", () => {
  useMock(null);
  assert.equal(isAuroraView(), false);
  assert.throws(() => bridge(), /not running inside auroraview and no mock/);
  assert.throws(() => emit("x"), /useMock/);
});

test("the mock answers calls like the real bridge", async () => {
  useMock(
    createMock({
      handlers: {
        double: (n) => n * 2,
        fail: () => {
          const e = new Error("no such asset");
          e.name = "KeyError";
          throw e;
        },
        slow: () => sleep(200).then(() => "late"),
        echo: (data) => data,
      },
    }),
  );
  await whenReady();
  assert.equal(await call("double", 21), 42);
  await assert.rejects(call("fail"), { name: "KeyError", message: "no such asset" });
  await assert.rejects(call("missing"), { name: "LookupError" });
  await assert.rejects(call("slow", null, { timeoutMs: 20 }), { name: "TimeoutError" });
  // Data crosses as JSON: a copy, undefined as null, no functions.
  const sent = { a: [1, 2], f: () => 1 };
  const got = await call("echo", sent);
  assert.deepEqual(got, { a: [1, 2] });
  assert.notEqual(got, sent);
  assert.equal(await call("echo"), null);
});

test("events both ways", async () => {
  const mock = createMock();
  useMock(mock);
  const heard = [];
  const stop = on("progress", (p) => heard.push(p));
  once("progress", (p) => heard.push(["once", p]));
  mock.emitToPage("progress", 1);
  mock.emitToPage("progress", 2);
  stop();
  mock.emitToPage("progress", 3);
  assert.deepEqual(heard, [1, ["once", 1], 2]);
  emit("selection_changed", ["pCube1"]);
  assert.deepEqual(mock.emitted, [["selection_changed", ["pCube1"]]]);
});

test("channels: onMessage and async iteration, all before the result", async () => {
  useMock(
    createMock({
      handlers: {
        export: async (n, ctx) => {
          for (let i = 0; i < n; i++) {
            ctx.send({ i });
            await sleep(1);
          }
          return "exported";
        },
        broken: async (_d, ctx) => {
          ctx.send("first");
          throw new RangeError("broke");
        },
      },
    }),
  );
  const seen = [];
  const result = await call("export", 3, { onMessage: (m) => seen.push(m.i) });
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(result, "exported");

  const channel = new Channel();
  const pending = call("export", 4, { channel });
  const iterated = [];
  for await (const m of channel) iterated.push(m.i);
  assert.deepEqual(iterated, [0, 1, 2, 3]);
  assert.equal(await pending, "exported");
  assert.equal(channel.closed, true);

  const failing = new Channel();
  const broken = call("broken", null, { channel: failing });
  const got = [];
  await assert.rejects(
    (async () => {
      for await (const m of failing) got.push(m);
    })(),
    { name: "RangeError" },
  );
  await assert.rejects(broken, { name: "RangeError" });
  assert.deepEqual(got, ["first"]);
});

test("bindings: positional, keyword and channel arguments", async () => {
  useMock(
    createMock({
      handlers: {
        "scene.add": ({ args, kwargs: kw }) => ({ args, kw }),
        "scene.bake": async ({ args }, ctx) => {
          for (let i = 0; i < args[0]; i++) ctx.send(i);
          return "baked";
        },
      },
    }),
  );
  const scene = bindings("scene");
  assert.deepEqual(await scene.add("cube", 2, kwargs({ selected: true })), {
    args: ["cube", 2],
    kw: { selected: true },
  });
  const channel = new Channel();
  const seen = [];
  channel.onmessage = (m) => seen.push(m);
  assert.equal(await scene.bake(3, options({ channel })), "baked");
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(scene.then, undefined); // a bindings object is not a thenable
  await assert.rejects(bindings("other").nothing(), { name: "LookupError" });
});

test("inside auroraview the injected bridge wins over the mock", async () => {
  const calls = [];
  const fake = {
    call: (name, data, o) => {
      calls.push([name, data, o?.timeoutMs]);
      return Promise.resolve("from host");
    },
    kwargs: (v) => ({ kw: v }),
    options: (v) => ({ opt: v }),
    api: { ping: (...args) => Promise.resolve(["api", args]) },
  };
  useMock(createMock({ handlers: { anything: () => "from mock" } }));
  globalThis.auroraview = fake;
  globalThis.__auroraview_deliver = () => {};
  try {
    assert.equal(isAuroraView(), true);
    assert.equal(await call("anything", 1, { timeoutMs: 5 }), "from host");
    assert.deepEqual(calls, [["anything", 1, 5]]);
    assert.deepEqual(await bindings().ping(1, kwargs({ a: 1 })), ["api", [1, { kw: { a: 1 } }]]);
  } finally {
    delete globalThis.auroraview;
    delete globalThis.__auroraview_deliver;
  }
  assert.equal(isAuroraView(), false);
});

test("the declarations are python/auroraview/js/auroraview.d.ts, byte for byte", () => {
  const root = new URL("../../", import.meta.url);
  const python = readFileSync(new URL("python/auroraview/js/auroraview.d.ts", root), "utf8");
  const ours = readFileSync(new URL("js/src/auroraview.d.ts", root), "utf8");
  const shipped = readFileSync(new URL("js/dist/auroraview.d.ts", root), "utf8");
  assert.equal(ours, python);
  assert.equal(shipped, python);
  assert.match(readFileSync(new URL("js/dist/index.d.ts", root), "utf8"), /from "\.\/auroraview"/);
});
