"""Demos runnable with ``python -m auroraview.demo``: a Qt window standing in for a DCC."""
