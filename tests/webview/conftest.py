"""The WebView suite's fixtures: ``wv_host`` (see ``wvhost.py``)."""

from wvhost import wv_host

__all__ = ["wv_host"]
