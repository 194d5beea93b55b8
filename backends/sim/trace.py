"""Chrome / Perfetto trace JSON (the Trace Event Format): one process per section,
one thread (track) per unit, a complete event ("ph": "X") per busy span, and a
`config` track holding the section's configuration load. Times in microseconds."""

from __future__ import annotations

from typing import Any

MAX_SPANS_PER_TRACK = 10_000
"""Spans kept per track; the rest are merged into the last one (huge programs)."""


def build_trace(sections: list[dict[str, Any]], clock_hz: int) -> dict[str, Any]:
    """`sections`: dicts with `name`, `start` (cycle the config load begins),
    `config_cycles`, `run_cycles` and `tracks` [(track name, [(begin, end)])]."""
    us = 1e6 / clock_hz
    events: list[dict[str, Any]] = []
    for pid, section in enumerate(sections, start=1):
        events.append(
            {
                "name": "process_name",
                "ph": "M",
                "pid": pid,
                "tid": 0,
                "args": {"name": f"section {section['name']}"},
            }
        )
        events.append(
            {
                "name": "thread_name",
                "ph": "M",
                "pid": pid,
                "tid": 0,
                "args": {"name": "config"},
            }
        )
        events.append(
            {
                "name": "config load",
                "cat": "section",
                "ph": "X",
                "pid": pid,
                "tid": 0,
                "ts": section["start"] * us,
                "dur": section["config_cycles"] * us,
            }
        )
        run_start = section["start"] + section["config_cycles"]
        events.append(
            {
                "name": f"run {section['name']}",
                "cat": "section",
                "ph": "X",
                "pid": pid,
                "tid": 0,
                "ts": run_start * us,
                "dur": section["run_cycles"] * us,
            }
        )
        for tid, (track, kind, spans) in enumerate(section["tracks"], start=1):
            events.append(
                {
                    "name": "thread_name",
                    "ph": "M",
                    "pid": pid,
                    "tid": tid,
                    "args": {"name": track},
                }
            )
            if len(spans) > MAX_SPANS_PER_TRACK:
                spans = spans[: MAX_SPANS_PER_TRACK - 1] + [
                    (spans[MAX_SPANS_PER_TRACK - 1][0], spans[-1][1])
                ]
            for begin, end in spans:
                events.append(
                    {
                        "name": f"{track} busy",
                        "cat": kind,
                        "ph": "X",
                        "pid": pid,
                        "tid": tid,
                        "ts": (run_start + begin) * us,
                        "dur": (end - begin) * us,
                    }
                )
    return {"traceEvents": events, "displayTimeUnit": "ns"}
