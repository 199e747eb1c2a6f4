"""Default values the public API shares across its entry points (``WebView``, its proxy and
its thread-safe wrapper), defined once so that they cannot drift apart. Values only."""

#: Default wait of ``eval_js_async``/``eval_js_sync`` for the page's answer.
DEFAULT_EVAL_TIMEOUT_MS = 5000.0

#: How long a blocking ``show()`` keeps serving after its WebView closed while a handler is
#: still running, before it returns anyway.
HANDLER_GRACE_SECONDS = 5.0
