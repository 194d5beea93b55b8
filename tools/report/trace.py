"""Compile-stage spans in the Chrome/Perfetto trace format, merged with the
simulator's trace (`backends/sim/trace.py`).

    spans = StageClock()                       # on_stage / after_pass hooks
    trace = compile_trace(spans.spans, sim_trace=result.trace)

Process 1 is the compiler: one complete event ("ph": "X") per stage on a
`stages` track, in wall-clock microseconds from the start of the compile.
The simulator's processes (one per section) follow, renumbered from 2, in
simulated chip time; their unit tracks are grouped by unit type (named
`pcu map0`, `pmu w0`, ... and sorted config, pcu, pmu, agcu) so that a
section's compute and memory units sit together in Perfetto.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

KIND_ORDER = {"section": 0, "pcu": 1, "pmu": 2, "agcu": 3}


@dataclass
class StageClock:
    """Wall-clock spans of the compile stages, fed by `dfc.compile`'s
    `on_stage` (a stage starts) and `after_pass` (it ended) hooks; `mark` adds
    a span for work outside the pipeline (simulation, the unfused compile)."""

    origin: float = field(default_factory=time.perf_counter)
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    """(stage, start, end) in seconds from `origin`."""
    _open: tuple[str, float] | None = None

    def start(self, name: str, *_: Any) -> None:
        self._open = (name, time.perf_counter() - self.origin)

    def end(self, name: str, *_: Any) -> None:
        if self._open is not None and self._open[0] == name:
            self.spans.append((name, self._open[1], time.perf_counter() - self.origin))
            self._open = None

    def mark(self, name: str, start: float, end: float) -> None:
        self.spans.append((name, start - self.origin, end - self.origin))

    def stages(self) -> list[tuple[str, float]]:
        """(stage, seconds) of the pipeline's stages, as `CompileReport.stages`."""
        return [(name, end - start) for name, start, end in self.spans]


def compile_trace(
    spans: list[tuple[str, float, float]],
    sim_trace: dict[str, Any] | None = None,
    label: str = "dfc-compile",
) -> dict[str, Any]:
    """The trace JSON (a dict to `json.dump`): the compile spans, then the
    simulator's events when given."""
    events: list[dict[str, Any]] = [
        _meta("process_name", 1, 0, {"name": f"{label} (wall time)"}),
        _meta("process_sort_index", 1, 0, {"sort_index": 0}),
        _meta("thread_name", 1, 1, {"name": "stages"}),
    ]
    for name, start, end in spans:
        events.append(
            {
                "name": name,
                "cat": "compile",
                "ph": "X",
                "pid": 1,
                "tid": 1,
                "ts": round(start * 1e6, 3),
                "dur": round(max(end - start, 0.0) * 1e6, 3),
            }
        )
    if sim_trace is not None:
        events += _grouped_sim_events(sim_trace.get("traceEvents", []))
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def _meta(kind: str, pid: int, tid: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"name": kind, "ph": "M", "pid": pid, "tid": tid, "args": args}


def _grouped_sim_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The simulator's events with pids shifted past the compiler's process,
    unit tracks named and sorted by unit type."""
    kinds: dict[tuple[int, int], str] = {}
    for event in events:
        if event.get("ph") == "X":
            kinds.setdefault((event["pid"], event["tid"]), event.get("cat", ""))
    out: list[dict[str, Any]] = []
    seen_pids: list[int] = []
    for event in events:
        event = dict(event)
        pid = event["pid"]
        if pid not in seen_pids:
            seen_pids.append(pid)
            out.append(_meta("process_sort_index", pid + 1, 0, {"sort_index": pid}))
        event["pid"] = pid + 1
        if event.get("ph") == "M" and event.get("name") == "thread_name":
            kind = kinds.get((pid, event["tid"]), "section")
            name = event["args"]["name"]
            if kind in ("pcu", "pmu", "agcu"):
                event["args"] = {"name": f"{kind} {name}"}
            out.append(event)
            order = KIND_ORDER.get(kind, len(KIND_ORDER))
            out.append(
                _meta(
                    "thread_sort_index",
                    pid + 1,
                    event["tid"],
                    {"sort_index": order * 100_000 + event["tid"]},
                )
            )
            continue
        out.append(event)
    return out
