"""``python -m auroraview.demo``: a DCC-style tool built on auroraview.

A Qt main window stands in for the DCC (Maya, Houdini, Nuke...): a native outliner, a
viewport, and a docked auroraview panel (a real WebKitGTK WebView embedded in a
``QDockWidget``). The page's buttons call Python handlers that run on the main thread and
edit a small scene that only the main thread may touch; a background export job streams
progress to the page; a stress test fires thousands of cross-thread calls at the main thread
and shows their counts and latency.

By default the run is scripted: it clicks the page's buttons itself, checks every result,
saves a screenshot (``out/demo.png``), prints a summary and exits (0 on success).
``--interactive`` leaves the window to you. Without a display it starts Xvfb.
"""
