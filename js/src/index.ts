// @auroraview/bridge: a typed client of the bridge auroraview injects into its pages
// (window.auroraview), and a mock of it for an ordinary browser or `vite dev`, so that a
// front end can be developed without a DCC.
//
// Inside auroraview every function here forwards to window.auroraview. Elsewhere it uses
// the mock installed with useMock(...) (createMock builds one from a table of handlers), and
// throws a clear error when there is none.
//
// The declarations of window.auroraview (./auroraview.d.ts) are a byte-identical copy of
// python/auroraview/js/auroraview.d.ts in auroraview's repository: one source of truth.

import type {
  AuroraViewBridge,
  BoundNamespace,
  CallOptions,
  KwargsMarker,
  OptionsMarker,
} from "./auroraview";

export type {
  AuroraViewBridge,
  AuroraViewError,
  BoundNamespace,
  CallOptions,
  KwargsMarker,
  OptionsMarker,
} from "./auroraview";

let mock: AuroraViewBridge | null = null;

function injected(): AuroraViewBridge | null {
  const g = globalThis as unknown as {
    auroraview?: AuroraViewBridge;
    __auroraview_deliver?: unknown;
  };
  // The real bridge defines its delivery function too (non-writable); a page's own
  // `window.auroraview` object alone does not make a page an auroraview page.
  if (typeof g.__auroraview_deliver === "function" && g.auroraview !== undefined) {
    return g.auroraview;
  }
  return null;
}

/** True when the page runs inside auroraview (its bridge is installed). */
export function isAuroraView(): boolean {
  return injected() !== null;
}

/**
 * Use `bridge` (say `createMock({...})`) whenever the page is not inside auroraview: in an
 * ordinary browser, under `vite dev`, in unit tests. Inside auroraview the real bridge wins.
 * `null` removes the mock.
 */
export function useMock(bridge: AuroraViewBridge | null): void {
  mock = bridge;
}

/** The bridge in use: auroraview's, else the mock; throws when there is neither. */
export function bridge(): AuroraViewBridge {
  const real = injected();
  if (real !== null) return real;
  if (mock !== null) return mock;
  throw new Error(
    "@auroraview/bridge: this page is not running inside auroraview and no mock is " +
      "installed; call useMock(createMock({...})) for development in a browser",
  );
}

/** Options of `call`: those of the bridge, or a `Channel` to receive the call's messages. */
export interface CallOptionsWithChannel<M = unknown> extends CallOptions<M> {
  channel?: Channel<M>;
}

function withChannel<T, M>(
  options: CallOptionsWithChannel<M> | undefined,
  run: (options: CallOptions<M> | undefined) => Promise<T>,
): Promise<T> {
  const channel = options?.channel;
  if (channel === undefined) return run(options);
  const { channel: _omit, ...rest } = options as CallOptionsWithChannel<M>;
  const onMessage = rest.onMessage;
  const forwarded: CallOptions<M> = {
    ...rest,
    onMessage: (message: M) => {
      if (onMessage !== undefined) onMessage(message);
      channel.deliver(message);
    },
  };
  return run(forwarded).then(
    (value) => {
      channel.end(null);
      return value;
    },
    (error: unknown) => {
      channel.end(error);
      throw error;
    },
  );
}

/** Call the Python handler `name` (see `AuroraViewBridge.call`). */
export function call<T = unknown, M = unknown>(
  name: string,
  data?: unknown,
  options?: CallOptionsWithChannel<M>,
): Promise<T> {
  return withChannel(options, (o) => bridge().call<T, M>(name, data, o));
}

/** Listen to `webview.emit(event, ...)`; returns an unsubscribe function. */
export function on<T = unknown>(event: string, listener: (data: T) => void): () => void {
  return bridge().on<T>(event, listener);
}

/** Remove one listener of `event`, or all of them. */
export function off(event: string, listener?: (data: unknown) => void): void {
  bridge().off(event, listener);
}

/** Listen once; returns an unsubscribe function. */
export function once<T = unknown>(event: string, listener: (data: T) => void): () => void {
  return bridge().once<T>(event, listener);
}

/** Send an event to Python's handler of `name`. */
export function emit(name: string, data?: unknown): void {
  bridge().emit(name, data);
}

/** Resolves once the host is connected and the DOM is ready. */
export function whenReady(): Promise<void> {
  return bridge().whenReady();
}

/** Keyword arguments for a bound method (the last argument, or anywhere). */
export function kwargs(values: Record<string, unknown>): KwargsMarker {
  return bridge().kwargs(values);
}

/**
 * Call options for a bound method: `timeoutMs`, `onMessage`, or a `channel` (a channel is
 * understood by the methods of `bindings(...)`).
 */
export function options<M = unknown>(values: CallOptionsWithChannel<M>): OptionsMarker {
  if (values.channel !== undefined) {
    return new ChannelOptions(values as CallOptionsWithChannel<unknown>) as unknown as OptionsMarker;
  }
  return bridge().options<M>(values as CallOptions<M>);
}

type Method = (...args: never[]) => unknown;

/**
 * The page's view of a Python API bound with `bind_api`: every method returns a Promise
 * of its (awaited) result. Declare the Python side as an interface and pass it as `T`.
 */
export type Bound<T> = {
  readonly [K in keyof T]: T[K] extends Method
    ? (...args: [...Parameters<T[K]>, ...(KwargsMarker | OptionsMarker)[]]) => Promise<
        Awaited<ReturnType<T[K]>>
      >
    : never;
};

/**
 * `bindings<SceneApi>("scene").add("cube")` calls Python's `scene.add("cube")`. A
 * `channel` among the options (`options({channel})`) receives the method's messages.
 * Resolve the bridge lazily: creating the bindings before a mock is installed is fine.
 */
export function bindings<T extends object>(namespace = "api"): Bound<T> {
  return new Proxy({} as Bound<T>, {
    get(_target, method) {
      if (typeof method !== "string" || method === "then") return undefined;
      return (...args: unknown[]) => {
        const b = bridge();
        const ns = b[namespace] as BoundNamespace;
        const channelIndex = args.findIndex((a) => a instanceof ChannelOptions);
        if (channelIndex < 0) return ns[method](...args);
        const { values } = args[channelIndex] as ChannelOptions;
        return withChannel(values, (o) => {
          const rest = args.slice();
          rest[channelIndex] = b.options(o ?? {});
          return ns[method](...rest);
        });
      };
    },
  });
}

/** Call options with a channel for `bindings(...)` methods. */
class ChannelOptions {
  constructor(readonly values: CallOptionsWithChannel<unknown>) {}
}

/**
 * The page's end of a handler's `Channel`: pass it as `call(name, data, {channel})`.
 * Messages arrive in order, all before the call settles; read them with `onmessage` or
 * `for await (const message of channel)` (which ends when the call settles, and throws
 * its error if it failed).
 */
export class Channel<M = unknown> {
  onmessage: ((message: M) => void) | null;
  private readonly buffered: M[] = [];
  private waiting: ((result: IteratorResult<M>) => void) | null = null;
  private failing: ((error: unknown) => void) | null = null;
  private ended = false;
  private error: unknown = null;

  constructor(onmessage?: (message: M) => void) {
    this.onmessage = onmessage ?? null;
  }

  /** True once its call has settled: no message will follow. */
  get closed(): boolean {
    return this.ended;
  }

  /** @internal A message from the handler. */
  deliver(message: M): void {
    if (this.ended) return;
    if (this.onmessage !== null) this.onmessage(message);
    if (this.waiting !== null) {
      const resolve = this.waiting;
      this.waiting = this.failing = null;
      resolve({ value: message, done: false });
    } else {
      this.buffered.push(message);
    }
  }

  /** @internal The call settled (with `error` if it failed). */
  end(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    if (this.waiting !== null) {
      const resolve = this.waiting;
      const reject = this.failing;
      this.waiting = this.failing = null;
      if (error !== null && reject !== null) reject(error);
      else resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<M> {
    return {
      next: (): Promise<IteratorResult<M>> => {
        if (this.buffered.length > 0) {
          return Promise.resolve({ value: this.buffered.shift() as M, done: false });
        }
        if (this.ended) {
          if (this.error !== null) {
            const error = this.error;
            this.error = null;
            return Promise.reject(error);
          }
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failing = reject;
        });
      },
    };
  }
}

// --- the mock -------------------------------------------------------------------------------

/** What a mock handler gets besides the call's data. */
export interface MockContext {
  /** Sends a message to the call's `onMessage`/channel (as a Python `Channel` would). */
  send(message: unknown): void;
}

/** A mock handler: `call(name, data)` or, for `"ns.method"`, a bound method's arguments. */
export type MockHandler = (data: any, context: MockContext) => unknown;

export interface MockOptions {
  /** Handlers by name; bound methods as `"namespace.method"` (they get `(args, kwargs)`). */
  handlers?: Record<string, MockHandler>;
  /** Milliseconds before each answer (a slow host); default 0. */
  latencyMs?: number;
}

/** A mock bridge, plus `emitToPage`, what Python's `webview.emit` would do. */
export interface MockBridge extends AuroraViewBridge {
  emitToPage(event: string, data?: unknown): void;
  /** Every `emit` the page made: [name, data]. */
  readonly emitted: Array<[string, unknown]>;
}

const KWARGS = Symbol("kwargs");
const OPTIONS = Symbol("options");

/**
 * A bridge that answers from `handlers`, for development without auroraview. It keeps the
 * real bridge's contract: data must be JSON (it is copied through JSON), unknown handlers
 * reject with a `LookupError`, handler exceptions reject with their name, `timeoutMs` and
 * `onMessage` work, and bound methods are reached as `bridge.<namespace>.<method>(...)`.
 */
export function createMock(mockOptions: MockOptions = {}): MockBridge {
  const handlers = mockOptions.handlers ?? {};
  const latency = mockOptions.latencyMs ?? 0;
  const listeners = new Map<string, Array<(data: unknown) => void>>();
  const emitted: Array<[string, unknown]> = [];
  const json = (value: unknown): unknown =>
    value === undefined ? null : JSON.parse(JSON.stringify(value));
  const named = (name: string, message: string): Error => {
    const error = new Error(message);
    error.name = name;
    return error;
  };

  function run<T>(
    name: string,
    data: unknown,
    options: CallOptions<unknown> | undefined,
    args?: () => unknown,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const handler = handlers[name];
      let settled = false;
      const finish = (ok: boolean, value: unknown) => {
        if (settled) return;
        settled = true;
        if (ok) resolve(value as T);
        else reject(value);
      };
      if (options?.timeoutMs !== undefined) {
        setTimeout(
          () => finish(false, named("TimeoutError", `call '${name}' got no answer within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }
      setTimeout(async () => {
        if (handler === undefined) {
          finish(false, named("LookupError", `no handler named '${name}'`));
          return;
        }
        const context: MockContext = {
          send(message) {
            if (settled) throw named("ChannelClosedError", `the call '${name}' has ended`);
            options?.onMessage?.(json(message));
          },
        };
        try {
          const payload = args === undefined ? json(data) : args();
          const value = await handler(payload, context);
          finish(true, json(value));
        } catch (error) {
          finish(false, error instanceof Error ? error : named("Error", String(error)));
        }
      }, latency);
    });
  }

  function boundCall(qualified: string, args: unknown[]): Promise<unknown> {
    let kw: Record<string, unknown> = {};
    let callOptions: CallOptions<unknown> | undefined;
    const positional: unknown[] = [];
    for (const arg of args) {
      if (arg !== null && typeof arg === "object" && KWARGS in arg) {
        kw = (arg as { [KWARGS]: Record<string, unknown> })[KWARGS];
      } else if (arg !== null && typeof arg === "object" && OPTIONS in arg) {
        callOptions = (arg as { [OPTIONS]: CallOptions<unknown> })[OPTIONS];
      } else {
        positional.push(arg);
      }
    }
    return run(qualified, null, callOptions, () => ({
      args: json(positional),
      kwargs: json(kw),
    }));
  }

  const base = {
    call<T = unknown, M = unknown>(name: string, data?: unknown, options?: CallOptions<M>) {
      return run<T>(name, data, options as CallOptions<unknown> | undefined);
    },
    on<T = unknown>(event: string, listener: (data: T) => void) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (data: unknown) => void);
      listeners.set(event, list);
      return () => base.off(event, listener as (data: unknown) => void);
    },
    off(event: string, listener?: (data: unknown) => void) {
      if (listener === undefined) {
        listeners.delete(event);
        return;
      }
      const list = listeners.get(event) ?? [];
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    },
    once<T = unknown>(event: string, listener: (data: T) => void) {
      const stop = base.on<T>(event, (data) => {
        stop();
        listener(data);
      });
      return stop;
    },
    emit(name: string, data?: unknown) {
      emitted.push([name, json(data)]);
    },
    whenReady() {
      return Promise.resolve();
    },
    kwargs(values: Record<string, unknown>) {
      return { [KWARGS]: values } as unknown as KwargsMarker;
    },
    options<M = unknown>(values: CallOptions<M>) {
      return { [OPTIONS]: values } as unknown as OptionsMarker;
    },
    emitToPage(event: string, data?: unknown) {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(json(data));
    },
    emitted,
  };
  const namespaces = new Map<string, BoundNamespace>();
  return new Proxy(base as unknown as MockBridge, {
    get(target, key, receiver) {
      if (typeof key !== "string" || key in target || key === "then") {
        return Reflect.get(target, key, receiver);
      }
      let ns = namespaces.get(key);
      if (ns === undefined) {
        ns = new Proxy({} as BoundNamespace, {
          get(_t, method) {
            if (typeof method !== "string" || method === "then") return undefined;
            return (...args: unknown[]) => boundCall(`${key}.${method}`, args);
          },
        });
        namespaces.set(key, ns);
      }
      return ns;
    },
  });
}
