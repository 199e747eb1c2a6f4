// Type declarations for page authors: the `window.auroraview` bridge that auroraview injects
// into every page it loads (main frame only, before page scripts run).
// Usage: reference this file (`/// <reference path="auroraview.d.ts" />`) or copy it into
// your panel's sources; `python -c "import auroraview, pathlib; print(pathlib.Path(
// auroraview.__file__).parent / 'js' / 'auroraview.d.ts')"` prints where it is installed.

export {};

/** An error raised by a Python handler arrives with the exception's type as `name`. */
export interface AuroraViewError extends Error {
  name: string;
  message: string;
}

/** Options of `auroraview.call`. */
export interface CallOptions {
  /**
   * Stop waiting after this many milliseconds: the Promise rejects with an Error named
   * `TimeoutError`. The handler still runs; its late answer is dropped. Default: no limit
   * (a handler may legitimately take long, an export say). Any positive finite number.
   */
  timeoutMs?: number;
}

export interface AuroraViewBridge {
  /**
   * Call the Python handler registered with `@webview.on(name)`. Resolves with its return
   * value (JSON), rejects with its exception (`name` = the Python type), with
   * "no handler named ..." (`LookupError`), with a `RangeError` for payloads over the size
   * limit, with a `TypeError` for data `JSON.stringify` refuses, with a `TimeoutError` after
   * `options.timeoutMs`, with a `QueueFullError` when the host's handlers are too far behind,
   * with a `PayloadError` for data Python cannot decode, or with an Error when the page
   * unloads first. It settles exactly once. Calls made before the host is connected are
   * queued, not lost.
   */
  call<T = unknown>(name: string, data?: unknown, options?: CallOptions): Promise<T>;

  /** Listen to `webview.emit(name, data)` from Python. Returns an unsubscribe function. */
  on<T = unknown>(event: string, listener: (data: T) => void): () => void;

  /** Remove one listener, or all listeners of `event` when `listener` is omitted. */
  off(event: string, listener?: (data: unknown) => void): void;

  /** Listen once. Returns an unsubscribe function. */
  once<T = unknown>(event: string, listener: (data: T) => void): () => void;

  /** Send an event to the Python handler of `name` (no reply). */
  emit(name: string, data?: unknown): void;

  /** Resolves once the host is connected and the page's DOM is ready. */
  whenReady(): Promise<void>;
}

declare global {
  interface Window {
    readonly auroraview: AuroraViewBridge;
  }
  const auroraview: AuroraViewBridge;
}
