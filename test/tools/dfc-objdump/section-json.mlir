/// --section N lists one section; --json prints the same data as JSON; a
/// section number out of range is one error line.
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/multi-section.mlir -o %t.dfcb
// RUN: dfc-objdump %t.dfcb --section 1 | filecheck %s --check-prefix=ONE
// RUN: dfc-objdump %t.dfcb --section 1 --json | filecheck %s --check-prefix=JSON
// RUN: not dfc-objdump %t.dfcb --section 2 2>&1 | filecheck %s --check-prefix=RANGE

// ONE-NOT:   section 0 @s0
// ONE:       section 1 @s1:
// ONE-NOT:   section 0 @s0

// JSON:      "chip": {
// JSON-NEXT:   "name": "tiny",
// JSON-NEXT:   "fingerprint": "071e6348378fa0f3"
// JSON:          "section": 1,
// JSON-NEXT:     "name": "s1",
// JSON:          "kind": "pmu",
// JSON:          "registers": [
// JSON-NEXT:       [
// JSON-NEXT:         "AT",
// JSON-NEXT:         8589934594
// JSON:          "reduce_lanes": true

// RANGE: dfc-objdump: error: --section 2: the file has 2 sections (0..1)
