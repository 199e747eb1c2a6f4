"""The stand-in DCC: a Qt main window with a native outliner, a viewport and the docked
auroraview panel. Everything here runs on the main thread (Qt's GUI thread).

Import this module only after ``display.prepare_environment()``: it imports Qt.
"""

from __future__ import annotations

import time
from typing import Any, Optional

from PySide6.QtCore import QItemSelectionModel, QPoint, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QImage, QPainter, QPen, QRadialGradient
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QWidget,
)

from auroraview.qt import QtWebView

from .page import PAGE_BACKGROUND, PAGE_HTML
from .scene import Scene

_NAME_ROLE = Qt.ItemDataRole.UserRole
_GLYPH = {"cube": "\u25a0", "sphere": "\u25cf"}


class Viewport(QWidget):
    """A flat "3D view": each object drawn in a grid, the selection outlined."""

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self._scene = scene
        self.setMinimumSize(320, 240)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(58, 58, 62))
        painter.setPen(QPen(QColor(72, 72, 78), 1))
        for x in range(0, self.width(), 32):
            painter.drawLine(x, 0, x, self.height())
        for y in range(0, self.height(), 32):
            painter.drawLine(0, y, self.width(), y)
        painter.setPen(QColor(150, 150, 160))
        painter.setFont(QFont("DejaVu Sans", 9))
        painter.drawText(10, 18, "persp  \u00b7  stand-in viewport (main thread)")

        selected = set(self._scene.selection())
        cell, top = 128, 40
        columns = max(1, (self.width() - 20) // cell)
        for index, obj in enumerate(self._scene.objects()):
            x = 20 + (index % columns) * cell
            y = top + (index // columns) * cell
            box = QRectF(x + 24, y + 12, 72, 72)
            if obj.kind == "cube":
                painter.setPen(QPen(QColor(20, 40, 70), 1.5))
                painter.setBrush(QColor(78, 161, 255))
                painter.drawRoundedRect(box, 6, 6)
                painter.setBrush(QColor(120, 185, 255))
                painter.drawRoundedRect(QRectF(box.x(), box.y(), box.width(), 18), 6, 6)
            else:
                gradient = QRadialGradient(box.center() - QPoint(14, 14), 60)
                gradient.setColorAt(0, QColor(255, 220, 160))
                gradient.setColorAt(1, QColor(214, 130, 40))
                painter.setPen(QPen(QColor(90, 50, 10), 1.5))
                painter.setBrush(gradient)
                painter.drawEllipse(box)
            if obj.name in selected:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor(120, 255, 170), 2.5))
                painter.drawRoundedRect(box.adjusted(-6, -6, 6, 6), 8, 8)
            painter.setPen(QColor(230, 230, 235))
            painter.drawText(
                QRectF(x, y + 90, cell - 8, 20), Qt.AlignmentFlag.AlignHCenter, obj.name
            )
        painter.end()


class MainLoopWatch:
    """Measures the longest gap between ticks of a fast timer on the main thread: how long
    the main thread (the "DCC") stayed unresponsive while work was dispatched to it."""

    def __init__(self, interval_ms: int = 2) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.max_gap = 0.0
        self.ticks = 0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.max_gap = max(self.max_gap, now - self._last)
        self._last = now
        self.ticks += 1

    def start(self) -> None:
        self._last, self.max_gap, self.ticks = 0.0, 0.0, 0
        self._timer.start()

    def stop(self) -> float:
        """Stop; returns the longest gap in milliseconds."""
        self._timer.stop()
        return self.max_gap * 1000.0


class DemoWindow(QMainWindow):
    """The stand-in DCC's main window; ``self.panel`` is the docked :class:`QtWebView`."""

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene = scene
        self.setWindowTitle("Stand-in DCC \u2014 auroraview demo")
        self.resize(1280, 800)

        menus = {title: self.menuBar().addMenu(title) for title in ("File", "Edit", "Create")}
        create = menus["Create"]
        for kind in ("cube", "sphere"):
            action = QAction(f"Add {kind}", self)
            action.triggered.connect(lambda _=False, k=kind: self.scene.add(k))
            create.addAction(action)

        self.viewport = Viewport(scene)
        self.setCentralWidget(self.viewport)

        self.outliner = QListWidget()
        self.outliner.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.outliner.itemSelectionChanged.connect(self._outliner_selection_changed)
        outliner_dock = QDockWidget("Outliner (native Qt)", self)
        outliner_dock.setObjectName("outliner")
        outliner_dock.setWidget(self.outliner)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, outliner_dock)

        self.panel_dock = QDockWidget("Scene Tools (auroraview)", self)
        self.panel_dock.setObjectName("scene-tools")
        self.created_at = time.perf_counter()
        self.panel = QtWebView(self.panel_dock, html=PAGE_HTML, dcc_mode=True)
        self.panel_dock.setWidget(self.panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.panel_dock)
        self.resizeDocks([outliner_dock, self.panel_dock], [200, 470], Qt.Orientation.Horizontal)

        self.status_label = QLabel("ready")
        self.export_bar = QProgressBar()
        self.export_bar.setMaximumWidth(180)
        self.export_bar.setFormat("export %p%")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.export_bar)

        scene.subscribe(self.mirror_scene)
        self.mirror_scene()

    @property
    def webview(self) -> Any:
        return self.panel.webview

    # -- the native views mirror the scene (main thread) ------------------------------------

    def mirror_scene(self) -> None:
        rows = self.scene.snapshot()
        names = [row["name"] for row in rows]
        self.outliner.blockSignals(True)
        try:
            if names != self.outliner_names():
                self.outliner.clear()
                for row in rows:
                    item = QListWidgetItem(f"{_GLYPH.get(row['kind'], '?')}  {row['name']}")
                    item.setData(_NAME_ROLE, row["name"])
                    item.setToolTip(f"{row['kind']} (scene object)")
                    self.outliner.addItem(item)
            for i, row in enumerate(rows):
                self.outliner.item(i).setSelected(row["selected"])
        finally:
            self.outliner.blockSignals(False)
        self.viewport.update()

    def outliner_names(self) -> list[str]:
        return [self.outliner.item(i).data(_NAME_ROLE) for i in range(self.outliner.count())]

    def _outliner_selection_changed(self) -> None:
        self.scene.select([item.data(_NAME_ROLE) for item in self.outliner.selectedItems()])

    def select_in_outliner(self, name: str) -> None:
        """Select ``name`` the way a user clicking the native outliner would."""
        for i in range(self.outliner.count()):
            item = self.outliner.item(i)
            if item.data(_NAME_ROLE) == name:
                # Like a click: select only this item (emits itemSelectionChanged).
                self.outliner.setCurrentItem(item, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return
        raise KeyError(name)

    def set_export_progress(self, percent: int, status: str) -> None:
        self.export_bar.setValue(percent)
        self.status_label.setText(f"export: {status}")

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # -- screenshot ------------------------------------------------------------------------

    def panel_rect(self) -> tuple[int, int, int, int]:
        """The panel's rectangle in window coordinates: x, y, width, height."""
        origin = self.panel.mapTo(self, QPoint(0, 0))
        return origin.x(), origin.y(), self.panel.width(), self.panel.height()

    def save_screenshot(self, path: str) -> dict[str, Any]:
        """Save the window as the X server shows it (the WebView is a native child window
        that ``QWidget.grab()`` cannot see) and measure how much of the panel area shows
        the page's background colour."""
        QApplication.processEvents()
        screen = self.screen() or QApplication.primaryScreen()
        pixmap = screen.grabWindow(int(self.winId()))
        image = pixmap.toImage()
        saved = bool(pixmap.save(path))
        x, y, w, h = self.panel_rect()
        return {
            "saved": saved,
            "path": path,
            "size": (image.width(), image.height()),
            "panel": (x, y, w, h),
            "page_background": background_fraction(image, (x, y, w, h)),
        }


def background_fraction(
    image: QImage, rect: tuple[int, int, int, int], color: Optional[tuple[int, ...]] = None
) -> float:
    """Fraction of sampled pixels in ``rect`` that have the page's background colour."""
    r0, g0, b0 = color or PAGE_BACKGROUND
    x, y, w, h = rect
    hits = total = 0
    for py in range(y, min(y + h, image.height()), 4):
        for px in range(x, min(x + w, image.width()), 4):
            c = image.pixelColor(px, py)
            total += 1
            if abs(c.red() - r0) <= 3 and abs(c.green() - g0) <= 3 and abs(c.blue() - b0) <= 3:
                hits += 1
    return hits / total if total else 0.0
