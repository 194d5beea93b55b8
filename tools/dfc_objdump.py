"""`dfc-objdump`: a readable listing of a `.dfcb` bitstream.

    dfc-objdump model.dfcb [--section N] [--json] [--chip NAME|PATH]

Prints the header (format version, size, chip and fingerprint), the checksums
(stored, and verified by recomputing them), the chunk table, the memories and
their initial images (size, and which memories, PMUs and sections share each),
and per section: its units by type, each unit's template, coordinate and
registers, the streams, the switch routes and the DMA descriptors.

The file is read with `dfc.backends.bitstream.format` alone: no compiler code
(not even xDSL) is loaded. A corrupt file, or with `--chip` one built for
another chip, is reported as one error line and exit status 1.
"""

from __future__ import annotations

import json
import sys
import zlib
from typing import Any

import click

from dfc.backends.bitstream import format as fmt
from dfc.backends.bitstream.program import (
    DTYPE_BYTES,
    AddressGen,
    Agcu,
    Pcu,
    Pmu,
    Program,
    Section,
    Unit,
)


def _coord(at: tuple[int, int] | None) -> str:
    return "virtual" if at is None else f"({at[0]}, {at[1]})"


def _counters(counters: tuple[tuple[int, int, int], ...]) -> str:
    return "[" + ", ".join(f"{a}:{b}:{c}" for a, b, c in counters) + "]"


def address_text(agen: AddressGen) -> str:
    """`base + 8*c0 + c1`, with `index` for the outermost counter of an indexed
    generator."""
    terms = []
    for k, coeff in enumerate(agen.coefficients):
        if coeff == 0:
            continue
        name = "index" if agen.indexed and k == 0 else f"c{k}"
        terms.append(name if coeff == 1 else f"{coeff}*{name}")
    if agen.base or not terms:
        terms.append(str(agen.base))
    return " + ".join(terms)


def _images(program: Program) -> list[dict[str, Any]]:
    """The image table as the encoder builds it (first use: memories, then PMUs
    section by section), with what uses each image."""
    table: list[dict[str, Any]] = []
    index: dict[bytes, int] = {}

    def use(blob: bytes, user: str, sections: list[str]) -> None:
        if blob not in index:
            index[blob] = len(table)
            table.append(
                {
                    "image": len(table),
                    "bytes": len(blob),
                    "crc32": f"0x{zlib.crc32(blob):08x}",
                    "used_by": [],
                    "sections": [],
                }
            )
        entry = table[index[blob]]
        entry["used_by"].append(user)
        for name in sections:
            if name not in entry["sections"]:
                entry["sections"].append(name)

    for memory in program.memories:
        if memory.init is not None:
            readers = [s.name for s in program.sections if memory.name in s.reads]
            use(memory.init, f"memory @{memory.name}", readers)
    for section in program.sections:
        for unit in section.units:
            if isinstance(unit, Pmu) and unit.init is not None:
                use(unit.init, f"pmu @{section.name}/{unit.name}", [section.name])
    return table


def _unit_json(unit: Unit, memories: dict[str, Any]) -> dict[str, Any]:
    registers = fmt.unit_registers(unit)
    out: dict[str, Any] = {
        "name": unit.name,
        "kind": unit.kind,
        "at": None if unit.at is None else list(unit.at),
        "inputs": len(unit.inputs),
        "outputs": unit.outputs,
        "fifo_depths": [p.fifo_depth for p in unit.inputs],
        "registers": [[fmt.register_name(r), v] for r, v in registers],
    }
    if isinstance(unit, Pcu):
        out |= {
            "template": unit.template,
            "dtype": unit.dtype,
            "accumulate": unit.accumulate,
            "counters": [list(c) for c in unit.counters],
            "stages": [str(s) for s in unit.stages],
            "constants": list(unit.constants),
        }
        if unit.template == "reduce":
            out |= {
                "reduce_op": unit.reduce_op,
                "reduce_counters": list(unit.reduce_counters),
                "reduce_lanes": unit.reduce_lanes,
            }
        if unit.tile is not None:
            out["tile"] = list(unit.tile)
        if unit.template == "scan":
            out |= {"scan_op": unit.scan_op, "scan_counter": unit.scan_counter}
    elif isinstance(unit, Pmu):
        out |= {
            "bytes": unit.bytes,
            "banks": unit.banks,
            "dtype": unit.dtype,
            "double_buffer": unit.double_buffer,
            "init_bytes": None if unit.init is None else len(unit.init),
        }
        for side in ("write", "read"):
            agen = getattr(unit, side)
            out[side] = None if agen is None else _agen_json(agen)
    else:
        assert isinstance(unit, Agcu)
        memory = memories[unit.memory]
        out |= {"direction": unit.direction, "memory": unit.memory}
        out["dma"] = _dma_json(unit, memory)
    return out


def _agen_json(agen: AddressGen) -> dict[str, Any]:
    return {
        "counters": [list(c) for c in agen.counters],
        "coefficients": list(agen.coefficients),
        "base": agen.base,
        "indexed": agen.indexed,
        "expression": address_text(agen),
    }


def _dma_json(unit: Agcu, memory: Any) -> dict[str, Any]:
    size = DTYPE_BYTES[memory.dtype]
    return {
        "direction": unit.direction,
        "memory": memory.name,
        "tier": memory.tier,
        "element_bytes": size,
        **_agen_json(unit.agen),
        "address": memory.offset + unit.agen.base * size,
    }


def listing(data: bytes, program: Program, frame: fmt.Container) -> dict[str, Any]:
    """Everything dfc-objdump shows, as JSON-ready data."""
    memories = {m.name: m for m in program.memories}
    sections = []
    for number, (section, entry) in enumerate(
        zip(program.sections, frame.entries[3:], strict=True)
    ):
        sections.append(_section_json(number, section, entry, memories))
    return {
        "format": {
            "magic": "DFCB",
            "version": f"{frame.version[0]}.{frame.version[1]}",
            "file_bytes": frame.file_bytes,
        },
        "chip": {"name": program.chip_name, "fingerprint": program.chip_fingerprint},
        "checksums": {
            "header_crc32": _crc(frame.header_crc32, zlib.crc32(data[:64])),
            "table_crc32": _crc(
                frame.table_crc32,
                zlib.crc32(data[68 : 68 + 24 * len(frame.entries)]),
            ),
            "file_crc32": _crc(frame.file_crc32, zlib.crc32(data[:-4])),
        },
        "chunks": [
            {
                "entry": i,
                "kind": e.kind,
                "offset": e.offset,
                "length": e.length,
                "crc32": _crc(
                    e.crc32, zlib.crc32(data[e.offset : e.offset + e.length])
                ),
            }
            for i, e in enumerate(frame.entries)
        ],
        "memories": [
            {
                "name": m.name,
                "tier": m.tier,
                "offset": m.offset,
                "shape": list(m.shape),
                "dtype": m.dtype,
                "bytes": m.nbytes,
                "role": m.role,
                "init_bytes": None if m.init is None else len(m.init),
            }
            for m in program.memories
        ],
        "images": _images(program),
        "sections": sections,
    }


def _crc(stored: int, computed: int) -> dict[str, Any]:
    return {
        "stored": f"0x{stored:08x}",
        "computed": f"0x{computed:08x}",
        "ok": stored == computed,
    }


def _section_json(
    number: int, section: Section, entry: fmt.Entry, memories: dict[str, Any]
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for unit in section.units:
        counts[unit.kind] = counts.get(unit.kind, 0) + 1
    routes = []
    for unit in section.units:
        for port, input_port in enumerate(unit.inputs):
            if input_port.route:
                routes.append(
                    {
                        "unit": unit.name,
                        "port": port,
                        "hops": [list(h) for h in input_port.route],
                    }
                )
    return {
        "section": number,
        "name": section.name,
        "config_bytes": entry.length,
        "crc32": f"0x{entry.crc32:08x}",
        "reads": list(section.reads),
        "writes": list(section.writes),
        "retain": list(section.retain),
        "unit_counts": counts,
        "units": [_unit_json(u, memories) for u in section.units],
        "streams": [
            {
                "id": s.id,
                "network": s.network,
                "dtype": s.dtype,
                "producer": list(s.producer),
                "consumers": [list(c) for c in s.consumers],
            }
            for s in section.streams
        ],
        "routes": routes,
    }


# -- text ---------------------------------------------------------------------------


def _ok(check: dict[str, Any]) -> str:
    state = "ok" if check["ok"] else f"MISMATCH (computed {check['computed']})"
    return f"{check['stored']} {state}"


def render(info: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    f = info["format"]
    add(f"format: .dfcb {f['version']}, {f['file_bytes']} bytes")
    add(f"chip: {info['chip']['name']}, fingerprint {info['chip']['fingerprint']}")
    c = info["checksums"]
    add(
        f"checksums: header {_ok(c['header_crc32'])}, entry table "
        f"{_ok(c['table_crc32'])}, file {_ok(c['file_crc32'])}"
    )
    add("")
    add(f"chunks ({len(info['chunks'])}):")
    for e in info["chunks"]:
        add(
            f"  {e['entry']:>3}  {e['kind']:<8}  offset {e['offset']:>8}  "
            f"length {e['length']:>8}  crc32 {_ok(e['crc32'])}"
        )
    add("")
    add(f"memories ({len(info['memories'])}):")
    for m in info["memories"]:
        shape = "x".join(str(d) for d in m["shape"]) or "scalar"
        image = "" if m["init_bytes"] is None else f", init {m['init_bytes']} bytes"
        add(
            f"  @{m['name']:<10} {m['tier']} offset {m['offset']}, {shape} "
            f"{m['dtype']} ({m['bytes']} bytes), {m['role']}{image}"
        )
    add("")
    add(f"images ({len(info['images'])}):")
    for img in info["images"]:
        where = ", ".join(img["sections"]) or "no section"
        add(
            f"  image {img['image']}: {img['bytes']} bytes, crc32 {img['crc32']}, "
            f"used by {', '.join(img['used_by'])}; sections {where}"
        )
    for s in info["sections"]:
        add("")
        _render_section(s, add)
    return "\n".join(lines) + "\n"


def _render_section(s: dict[str, Any], add: Any) -> None:
    counts = ", ".join(f"{n} {k}" for k, n in sorted(s["unit_counts"].items()))
    add(
        f"section {s['section']} @{s['name']}: {s['config_bytes']} bytes of "
        f"configuration, crc32 {s['crc32']}"
    )
    add(
        "  reads "
        + (", ".join("@" + n for n in s["reads"]) or "-")
        + "; writes "
        + (", ".join("@" + n for n in s["writes"]) or "-")
        + "; retains "
        + (", ".join("@" + n for n in s["retain"]) or "-")
    )
    add(f"  units ({counts or 'none'}):")
    for u in s["units"]:
        at = _coord(None if u["at"] is None else tuple(u["at"]))
        head = f"    {u['kind']} @{u['name']} at {at}"
        ports = f"{u['inputs']} in, {u['outputs']} out"
        regs = f"{len(u['registers'])} registers"
        if u["kind"] == "pcu":
            extra = f"{u['template']} {u['dtype']}"
            if u["accumulate"]:
                extra += f" (accumulate {u['accumulate']})"
            add(f"{head}: {extra}, {ports}, {regs}")
            add(f"      counters {_counters(tuple(map(tuple, u['counters'])))}")
            if u["stages"]:
                add(f"      stages {'; '.join(u['stages'])}")
            if u["constants"]:
                add(f"      constants {u['constants']}")
            if u["template"] == "reduce":
                add(
                    f"      reduce {u['reduce_op']} over counters "
                    f"{u['reduce_counters']}, lanes {str(u['reduce_lanes']).lower()}"
                )
            if "tile" in u:
                add(f"      tile M, N, K = {', '.join(map(str, u['tile']))}")
            if u["template"] == "scan":
                add(f"      scan {u['scan_op']} along counter {u['scan_counter']}")
        elif u["kind"] == "pmu":
            db = " x 2 (double-buffered)" if u["double_buffer"] else ""
            add(
                f"{head}: {u['bytes']} bytes{db}, {u['banks']} banks, {u['dtype']}, "
                f"{ports}, {regs}"
            )
            if u["init_bytes"] is not None:
                add(f"      init image {u['init_bytes']} bytes")
            for side in ("write", "read"):
                agen = u[side]
                if agen is not None:
                    kind = (" (scatter)" if side == "write" else " (gather)") * agen[
                        "indexed"
                    ]
                    add(
                        f"      {side}{kind}: counters "
                        f"{_counters(tuple(map(tuple, agen['counters'])))}, "
                        f"address {agen['expression']}"
                    )
        else:
            add(f"{head}: {u['direction']} @{u['memory']}, {ports}, {regs}")
        depths = u["fifo_depths"]
        if any(d is not None for d in depths):
            add(f"      fifo depths {['default' if d is None else d for d in depths]}")
    add(f"  streams ({len(s['streams'])}):")
    for t in s["streams"]:
        producer = f"@{t['producer'][0]}.out{t['producer'][1]}"
        consumers = ", ".join(f"@{n}.in{p}" for n, p in t["consumers"]) or "(none)"
        add(f"    {t['id']:>3}: {t['network']} {t['dtype']}  {producer} -> {consumers}")
    add(f"  routes ({len(s['routes'])}):")
    for r in s["routes"]:
        hops = " -> ".join(f"({a}, {b})" for a, b in r["hops"])
        add(f"    @{r['unit']}.in{r['port']}: {hops}")
    dmas = [u for u in s["units"] if u["kind"] == "agcu"]
    add(f"  dma ({len(dmas)}):")
    for u in dmas:
        d = u["dma"]
        index = ", indexed" if d["indexed"] else ""
        add(
            f"    @{u['name']}: {d['direction']} @{d['memory']} {d['tier']} byte "
            f"{d['address']}, {d['element_bytes']}-byte elements{index}, counters "
            f"{_counters(tuple(map(tuple, d['counters'])))}, element "
            f"{d['expression']}"
        )


# -- command --------------------------------------------------------------------------


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("input_file", metavar="FILE.dfcb")
@click.option("--section", "section", type=int, default=None, metavar="N",
              help="Show only section N (0-based).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--chip", default=None, metavar="NAME|PATH",
              help="Refuse the file unless it was built for this chip.")  # fmt: skip
def main(input_file: str, section: int | None, as_json: bool, chip: str | None) -> None:
    """List the contents of a .dfcb bitstream."""
    try:
        with open(input_file, "rb") as f:
            data = f.read()
    except OSError as error:
        click.echo(f"dfc-objdump: error: {error.strerror}: {input_file}", err=True)
        sys.exit(1)
    try:
        frame = fmt.inspect(data)
        program = fmt.decode(data)
        if chip is not None:
            from dfc.backends.chip import ChipModelError, load_chip

            try:
                fmt.check_chip(program, load_chip(chip))
            except ChipModelError as error:
                click.echo(f"dfc-objdump: error: --chip: {error}", err=True)
                sys.exit(1)
    except fmt.BitstreamError as error:
        click.echo(f"dfc-objdump: error: {input_file}: {error}", err=True)
        sys.exit(1)
    info = listing(data, program, frame)
    if section is not None:
        count = len(info["sections"])
        if not 0 <= section < count:
            click.echo(
                f"dfc-objdump: error: --section {section}: the file has {count} "
                f"sections (0..{count - 1})",
                err=True,
            )
            sys.exit(1)
        info["sections"] = [info["sections"][section]]
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        click.echo(render(info), nl=False)


if __name__ == "__main__":
    main()
