"""Native dialogs of a WebView: open file(s), save file, pick folder, message, confirm.

``webview.dialog`` (:class:`Dialogs`) shows them from any thread, parented to the WebView's
window (or, for a docked WebView, to the host's top-level window): the ``*_async`` methods
return a ``concurrent.futures.Future`` at once; the others wait for the answer, at most
``timeout`` seconds (the dialog is then dismissed and ``DialogTimeoutError`` raised). The
page reaches the same dialogs with ``auroraview.dialog.open({...})`` and friends, which are
calls of the internal handler ``auroraview:dialog`` (:func:`page_dialog`), one at a time per
WebView.

The dialog itself is shown by the UI thread without blocking it; answers arrive on
auroraview's completion thread. What must not live here: toolkit code (Rust's
``platform::desk``), waiting other than the documented bounded waits.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, Union

from ._describe import describe
from ._payload import from_json, to_json
from .errors import DialogTimeoutError, EvalTimeoutError, WrongThreadError

if TYPE_CHECKING:
    from ._core_types import DialogKind, DialogSpec, MessageLevel

logger = logging.getLogger("auroraview.webview")

#: Default bound of a blocking dialog call, and of a page's dialog.
DEFAULT_DIALOG_TIMEOUT = 600.0

Filters = Union[Mapping[str, Iterable[str]], Iterable[tuple[str, Iterable[str]]], None]
PathLike = Union[str, "os.PathLike[str]", None]


def _patterns(patterns: Iterable[str]) -> list[str]:
    out = []
    if isinstance(patterns, str):
        patterns = [patterns]
    for p in patterns:
        if not isinstance(p, str) or not p:
            raise TypeError(f"a filter pattern is a non-empty str such as '*.png', not {p!r}")
        out.append(p if any(c in p for c in "*?[") else "*." + p.lstrip("."))
    return out


def _filters(filters: Filters) -> list[tuple[str, list[str]]]:
    if filters is None:
        return []
    items = filters.items() if isinstance(filters, Mapping) else filters
    out = []
    for entry in items:
        name, patterns = entry
        if not isinstance(name, str):
            raise TypeError(f"a filter's name is a str, not {name!r}")
        out.append((name, _patterns(patterns)))
    return out


def _spec(kind: DialogKind, title: str, default_path: PathLike, filters: Filters) -> DialogSpec:
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, not {type(title).__name__}")
    spec: DialogSpec = {"kind": kind, "title": title}
    if default_path is not None:
        spec["default_path"] = os.fspath(default_path)
    if filters is not None:
        spec["filters"] = _filters(filters)
    return spec


class Dialogs:
    """``webview.dialog``: native dialogs parented to one WebView's window."""

    def __init__(self, webview: Any) -> None:
        self._webview = webview

    # -- asynchronous: a Future ---------------------------------------------------------

    def show_async(self, spec: DialogSpec, timeout: float = DEFAULT_DIALOG_TIMEOUT) -> Future[Any]:
        """Show a dialog from a spec (see the other methods); a Future of its answer: paths
        (a list, or None when cancelled) for file dialogs, True/False for messages."""
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()

        def done(value_json: Optional[str], error: Optional[BaseException]) -> None:
            if error is None:
                try:
                    value = from_json(value_json or "null", "a dialog's answer")
                except BaseException as exc:  # pragma: no cover - Rust sends JSON
                    error = exc
            if isinstance(error, EvalTimeoutError):
                error = DialogTimeoutError(
                    f"no answer to the {spec.get('kind')} dialog within {timeout} s "
                    "(it was dismissed)"
                )
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

        self._webview._core.dialog(spec, done, float(timeout))
        return future

    def _wait(self, future: Future[Any], timeout: float) -> Any:
        return future.result(timeout + 5.0)

    def _blocking(self, spec: DialogSpec, timeout: float) -> Any:
        webview = self._webview
        if webview.mode == "hosted":
            from .utils.thread_dispatcher import is_main_thread

            if is_main_thread():
                raise WrongThreadError(
                    "a blocking dialog on the host's main thread in hosted mode would freeze "
                    "it (that thread shows the dialog): use the *_async form, e.g. "
                    "webview.dialog.open_file_async(...).add_done_callback(...)"
                )
        return self._wait(self.show_async(spec, timeout), timeout)

    def open_file_async(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        filters: Filters = None,
        multiple: bool = False,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Future[Any]:
        """Future of the chosen paths (a list; None when cancelled)."""
        kind: DialogKind = "open_files" if multiple else "open_file"
        return self.show_async(_spec(kind, title, default_path, filters), timeout)

    def open_file(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        filters: Filters = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Optional[str]:
        """The chosen file's absolute path, or None when cancelled."""
        paths = self._blocking(_spec("open_file", title, default_path, filters), timeout)
        return paths[0] if paths else None

    def open_files(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        filters: Filters = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> list[str]:
        """The chosen files' absolute paths ([] when cancelled)."""
        return self._blocking(_spec("open_files", title, default_path, filters), timeout) or []

    def save_file_async(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        filters: Filters = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Future[Any]:
        return self.show_async(_spec("save_file", title, default_path, filters), timeout)

    def save_file(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        filters: Filters = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Optional[str]:
        """The path to save to (the user confirmed replacing an existing file), or None."""
        paths = self._blocking(_spec("save_file", title, default_path, filters), timeout)
        return paths[0] if paths else None

    def pick_folder_async(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Future[Any]:
        return self.show_async(_spec("pick_folder", title, default_path, None), timeout)

    def pick_folder(
        self,
        *,
        title: str = "",
        default_path: PathLike = None,
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Optional[str]:
        """The chosen folder's absolute path, or None when cancelled."""
        paths = self._blocking(_spec("pick_folder", title, default_path, None), timeout)
        return paths[0] if paths else None

    def message_async(
        self,
        message: str,
        *,
        title: str = "",
        level: MessageLevel = "info",
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> Future[Any]:
        return self.show_async(_message_spec("message", message, title, level), timeout)

    def message(
        self,
        message: str,
        *,
        title: str = "",
        level: MessageLevel = "info",
        timeout: float = DEFAULT_DIALOG_TIMEOUT,
    ) -> None:
        """Shows ``message`` with an OK button (``level``: info, warning, error)."""
        self._blocking(_message_spec("message", message, title, level), timeout)

    def confirm_async(
        self, message: str, *, title: str = "", timeout: float = DEFAULT_DIALOG_TIMEOUT
    ) -> Future[Any]:
        return self.show_async(_message_spec("confirm", message, title, "info"), timeout)

    def confirm(
        self, message: str, *, title: str = "", timeout: float = DEFAULT_DIALOG_TIMEOUT
    ) -> bool:
        """True if the user chose OK, False for Cancel (or closing the dialog)."""
        return bool(self._blocking(_message_spec("confirm", message, title, "info"), timeout))


def _message_spec(
    kind: Literal["message", "confirm"], message: str, title: str, level: MessageLevel
) -> DialogSpec:
    if not isinstance(message, str):
        raise TypeError(f"message must be a str, not {type(message).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, not {type(title).__name__}")
    return {"kind": kind, "message": message, "title": title, "level": level}


# -- the page's dialogs (auroraview.dialog.*) -------------------------------------------------

_LEVELS: dict[str, MessageLevel] = {"info": "info", "warning": "warning", "error": "error"}


def _page_str(options: Mapping[str, Any], key: str) -> str:
    value = options.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"auroraview.dialog: {key} must be a string")
    return value


def _page_spec(kind: str, options: Any) -> tuple[DialogSpec, Callable[[Any], Any]]:
    """The dialog spec of a page's request, and how to turn the answer into its result."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise TypeError("auroraview.dialog: pass an object of options")
    title = _page_str(options, "title")
    default_path = _page_str(options, "defaultPath") or None
    filters = None
    if options.get("filters") is not None:
        raw = options["filters"]
        if not isinstance(raw, list):
            raise TypeError("auroraview.dialog: filters must be [{name, extensions}]")
        filters = []
        for f in raw:
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                raise TypeError("auroraview.dialog: each filter is {name, extensions}")
            exts = f.get("extensions", [])
            if not isinstance(exts, list) or not all(isinstance(e, str) and e for e in exts):
                raise TypeError("auroraview.dialog: a filter's extensions are strings")
            filters.append((f["name"], exts))
    first = lambda paths: paths[0] if paths else None  # noqa: E731
    if kind == "open":
        if options.get("directory") is True:
            return _spec("pick_folder", title, default_path, None), first
        if options.get("multiple") is True:
            return _spec("open_files", title, default_path, filters), lambda p: p
        return _spec("open_file", title, default_path, filters), first
    if kind == "save":
        return _spec("save_file", title, default_path, filters), first
    if kind in ("message", "confirm"):
        level = _LEVELS.get(_page_str(options, "level") or "info")
        if level is None:
            raise TypeError("auroraview.dialog: level is info, warning or error")
        message = _page_str(options, "message")
        if kind == "message":
            return _message_spec("message", message, title, level), lambda v: True
        return _message_spec("confirm", message, title, level), bool
    raise TypeError(f"auroraview.dialog: unknown dialog {kind!r}")


class PageDialogs:
    """Answers the page's ``auroraview:dialog`` calls, one dialog at a time."""

    def __init__(self, webview: Any) -> None:
        self._dialogs = Dialogs(webview)
        self._busy = False
        self._lock = threading.Lock()

    def __call__(self, call: Any) -> None:
        from ._router import reject, reject_with

        try:
            request = from_json(call.data, "a page's dialog request")
            if not isinstance(request, dict):
                raise TypeError("auroraview.dialog: malformed request")
            spec, convert = _page_spec(str(request.get("kind")), request.get("options"))
        except BaseException as exc:
            reject_with(call, exc)
            return
        with self._lock:
            if self._busy:
                reject(call, "BusyError", "auroraview.dialog: a dialog is already open")
                return
            self._busy = True

        def done(future: Future[Any]) -> None:
            with self._lock:
                self._busy = False
            try:
                value = convert(future.result(0))
                call.resolve(to_json(value, "a dialog's answer"))
            except BaseException as exc:
                reject_with(call, exc)

        try:
            self._dialogs.show_async(spec, DEFAULT_DIALOG_TIMEOUT).add_done_callback(done)
        except BaseException as exc:
            with self._lock:
                self._busy = False
            logger.warning("auroraview: a page's dialog failed: %s", describe(exc))
            reject_with(call, exc)
