"""A real XDND drag source in a process of its own: a GTK 3 window (Debian's python3 with
python3-gi, not the test's interpreter) offering ``text/uri-list`` with the URIs given.
Prints ``ready`` once its window is mapped, ``dropped`` when a drag ended, and quits after
that or after 60 s.

Usage: /usr/bin/python3 drag_source.py X Y URI...
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main():
    x, y, uris = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    window = Gtk.Window(title="auroraview-drag-source")
    window.move(x, y)
    window.set_default_size(200, 200)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label="drag me"))
    window.add(box)
    box.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, 0)],
        Gdk.DragAction.COPY,
    )
    box.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris(uris))

    def ended(*_args):
        print("dropped", flush=True)
        GLib.timeout_add(200, Gtk.main_quit)

    box.connect("drag-end", ended)
    window.connect("map-event", lambda *_a: print("ready", flush=True))
    window.connect("destroy", Gtk.main_quit)
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    window.show_all()
    Gtk.main()


main()
