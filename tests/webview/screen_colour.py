"""Counts the pixels of one colour on the X screen: what a user would see, WebViews included.

Run with Debian's python3 (PyGObject and GDK 3, from ``python3-gi`` and ``gir1.2-gtk-3.0``),
not the test virtualenv, under the test run's DISPLAY::

    python3 tests/webview/screen_colour.py R G B [TOLERANCE]

Prints ``{"count": N, "box": [x0, y0, x1, y1] or null, "screen": [w, h]}``.
"""

import json
import sys

import gi

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402


def main() -> None:
    r, g, b = (int(v) for v in sys.argv[1:4])
    tolerance = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    root = Gdk.get_default_root_window()
    width, height = root.get_width(), root.get_height()
    pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, width, height)
    data = pixbuf.get_pixels()
    stride, channels = pixbuf.get_rowstride(), pixbuf.get_n_channels()
    count, box = 0, None
    for y in range(0, height, 2):
        row = y * stride
        for x in range(0, width, 2):
            i = row + x * channels
            if (
                abs(data[i] - r) <= tolerance
                and abs(data[i + 1] - g) <= tolerance
                and abs(data[i + 2] - b) <= tolerance
            ):
                count += 1
                if box is None:
                    box = [x, y, x, y]
                else:
                    box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
    print(json.dumps({"count": count * 4, "box": box, "screen": [width, height]}))


if __name__ == "__main__":
    main()
