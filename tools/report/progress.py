"""The compile progress bar: one step per pipeline stage, on stderr, with
rich.

    with StageProgress(enabled=not quiet) as progress:
        dfc.compile(model, on_stage=progress.stage)

It appears only when stderr is a terminal, `enabled` is true and the compile
is still running after `DELAY` seconds (short compiles print nothing); it is
transient (erased when done), so the final summary line stands alone. Off a
terminal it writes nothing at all: no escape codes, no carriage returns.
"""

from __future__ import annotations

import sys
import threading
from typing import IO, Any

DELAY = 1.0
"""Seconds before the bar shows."""


class StageProgress:
    def __init__(self, enabled: bool = True, file: IO[str] | None = None) -> None:
        self.file = file if file is not None else sys.stderr
        isatty = getattr(self.file, "isatty", None)
        self.enabled = enabled and bool(isatty and isatty())
        self._progress: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._state = ("starting", 0, 0)

    def __enter__(self) -> StageProgress:
        if self.enabled:
            self._timer = threading.Timer(DELAY, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def stage(self, name: str, index: int, total: int) -> None:
        """`dfc.compile`'s `on_stage` hook: stage `index` of `total` starts."""
        with self._lock:
            self._state = (name, index, total)
            if self._progress is not None:
                self._update()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            console = Console(file=self.file, stderr=self.file is sys.stderr)
            self._progress = Progress(
                TextColumn("compiling"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("[bold]{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task("", total=None)
            self._progress.start()
            self._update()

    def _update(self) -> None:
        name, index, total = self._state
        self._progress.update(
            self._task, description=name, completed=index, total=total or None
        )
