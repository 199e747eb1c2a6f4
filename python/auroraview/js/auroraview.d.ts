// Type declarations for page authors: the `window.auroraview` bridge that auroraview injects
// into every page it loads (main frame only, before page scripts run).
// Usage: reference this file (`/// <reference path="auroraview.d.ts" />`) or copy it into
// your panel's sources; `python -c "import auroraview, pathlib; print(pathlib.Path(
// auroraview.__file__).parent / 'js' / 'auroraview.d.ts')"` prints where it is installed.
// The npm package @auroraview/bridge (js/ in auroraview's repository) ships this same file
// (js/src/auroraview.d.ts, kept identical by its build and tests).

export {};

/** An error raised by a Python handler arrives with the exception's type as `name`. */
export interface AuroraViewError extends Error {
  name: string;
  message: string;
}

/** Options of `auroraview.call`. */
export interface CallOptions<M = unknown> {
  /**
   * Stop waiting after this many milliseconds: the Promise rejects with an Error named
   * `TimeoutError`. The handler still runs; its late answer is dropped. Default: no limit
   * (a handler may legitimately take long, an export say). Any positive finite number.
   */
  timeoutMs?: number;
  /**
   * Receives the messages the handler sends on its `Channel` parameter (progress, chunks,
   * log lines), in order, all before the call's Promise settles.
   */
  onMessage?: (message: M) => void;
}

/** Keyword arguments for a bound method, made by `auroraview.kwargs({...})`. */
export interface KwargsMarker {
  readonly __auroraviewKwargs: never;
}

/** Call options for a bound method, made by `auroraview.options({...})`. */
export interface OptionsMarker {
  readonly __auroraviewOptions: never;
}

/**
 * A namespace of Python methods exposed with `webview.bind_api(obj, namespace)`: every
 * property is a method returning a Promise. Pass keyword arguments with
 * `auroraview.kwargs({...})` and call options with `auroraview.options({...})`, anywhere
 * among the arguments.
 */
export interface BoundNamespace {
  readonly [method: string]: (...args: unknown[]) => Promise<unknown>;
}

/** `auroraview.on("file_drop", ...)` with `WebView(capture_file_drop=True)`: files dropped
 * from the OS, with their absolute paths and the drop position (CSS pixels). */
export interface FileDropEvent {
  paths: string[];
  x: number;
  y: number;
}

/** `auroraview.on("close_requested", e => ...)`: the window is asked to close; call
 * `preventDefault()` (synchronously) to keep it open (unsaved changes). */
export interface CloseRequestedEvent {
  readonly type: "close_requested";
  preventDefault(): void;
}

/** A file filter of a dialog: `{name: "Images", extensions: ["png", "jpg"]}`. */
export interface DialogFilter {
  name: string;
  extensions: string[];
}

/** Native dialogs, parented to the panel's window; one at a time (else `BusyError`). */
export interface AuroraViewDialogs {
  /** Open a file (`multiple`: files; `directory`: pick a folder). Resolves with the path
   * (an array with `multiple`), or `null` when cancelled. */
  open(options?: {
    title?: string;
    defaultPath?: string;
    filters?: DialogFilter[];
    multiple?: boolean;
    directory?: boolean;
  }): Promise<string | string[] | null>;
  /** Choose where to save: the path, or `null` when cancelled. */
  save(options?: {
    title?: string;
    defaultPath?: string;
    filters?: DialogFilter[];
  }): Promise<string | null>;
  /** A message with an OK button. */
  message(options: {
    message: string;
    title?: string;
    level?: "info" | "warning" | "error";
  }): Promise<true>;
  /** OK (true) or Cancel (false). */
  confirm(options: { message: string; title?: string }): Promise<boolean>;
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
  call<T = unknown, M = unknown>(
    name: string,
    data?: unknown,
    options?: CallOptions<M>,
  ): Promise<T>;

  /** Listen to `webview.emit(name, data)` from Python, and to the host's `file_drop` and
   * `close_requested` events. Returns an unsubscribe function. */
  on(event: "file_drop", listener: (data: FileDropEvent) => void): () => void;
  on(event: "close_requested", listener: (event: CloseRequestedEvent) => void): () => void;
  on<T = unknown>(event: string, listener: (data: T) => void): () => void;

  /** Remove one listener, or all listeners of `event` when `listener` is omitted. */
  off(event: string, listener?: (data: unknown) => void): void;

  /** Listen once. Returns an unsubscribe function. */
  once<T = unknown>(event: string, listener: (data: T) => void): () => void;

  /** Send an event to the Python handler of `name` (no reply). */
  emit(name: string, data?: unknown): void;

  /** Resolves once the host is connected and the page's DOM is ready. */
  whenReady(): Promise<void>;

  /** Keyword arguments for a bound method: `auroraview.api.add("a", auroraview.kwargs({n: 2}))`. */
  kwargs(values: Record<string, unknown>): KwargsMarker;

  /** Call options for a bound method (`timeoutMs`, `onMessage`). */
  options<M = unknown>(values: CallOptions<M>): OptionsMarker;

  /** Native dialogs (open, save, message, confirm). */
  readonly dialog: AuroraViewDialogs;

  /** Any other property: the namespace of methods bound with `bind_api` (`auroraview.api`). */
  readonly [namespace: string]: unknown;
}

declare global {
  interface Window {
    readonly auroraview: AuroraViewBridge;
  }
  const auroraview: AuroraViewBridge;
}
