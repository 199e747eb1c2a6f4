"""A small built front end on disk, as a bundler leaves it in ``dist/``: a module entry
that imports lazily, a module worker, JSON, and one file of each MIME type that matters.
Shared by the asset tests of ``tests/webview`` and ``tests/adversarial``."""

from __future__ import annotations

import json
from pathlib import Path

INDEX = """<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="./assets/main.mjs"></script></head>
<body><p id="p">asset root</p></body></html>"""

MAIN = """window.loaded = [];
loaded.push("main");
const lazy = await import("./lazy.mjs");
loaded.push(lazy.name);
const data = await (await fetch("../data.json")).json();
loaded.push(data);
const worker = new Worker(new URL("./worker.mjs", import.meta.url), {type: "module"});
window.fromWorker = new Promise((resolve, reject) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.onerror = (e) => reject(new Error("worker failed: " + e.message));
});
worker.postMessage(21);
window.mainDone = true;
"""

#: Files and the Content-Type each must be served with.
TYPED = {
    "t.mjs": "text/javascript",
    "t.js": "text/javascript",
    "t.wasm": "application/wasm",
    "t.json": "application/json",
    "t.svg": "image/svg+xml",
    "t.woff2": "font/woff2",
    "t.mp4": "video/mp4",
    "t.css": "text/css",
    "t.html": "text/html",
    "t.png": "image/png",
    "t.unknownext": "application/octet-stream",
}

#: A file whose bytes are their own offsets (mod 251): any slice says where it came from.
MEDIA_SIZE = 100_000


def media_bytes() -> bytes:
    return bytes(i % 251 for i in range(MEDIA_SIZE))


def make_dist(base: Path) -> Path:
    """Writes the front end under ``base/dist`` (and a secret beside it) and returns dist."""
    dist = base / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "main.mjs").write_text(MAIN)
    (dist / "assets" / "lazy.mjs").write_text('export const name = "lazy";\n')
    (dist / "assets" / "worker.mjs").write_text(
        'import {name} from "./lazy.mjs";\n'
        "onmessage = (e) => postMessage(name + ':' + e.data * 2);\n"
    )
    (dist / "data.json").write_text(json.dumps({"answer": 42}))
    (dist / "sub").mkdir()
    (dist / "sub" / "index.html").write_text("<!doctype html><p>sub index</p>")
    (dist / "page two.html").write_text("<!doctype html><p>two</p>")
    typed = dist / "typed"
    typed.mkdir()
    for name in TYPED:
        (typed / name).write_bytes(b"x")
    (dist / "media.mp4").write_bytes(media_bytes())
    (base / "secret.txt").write_text("TOP SECRET")
    return dist
