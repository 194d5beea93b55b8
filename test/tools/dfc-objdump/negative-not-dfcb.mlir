/// A file that is not a bitstream at all, and a missing file: one error line.
// RUN: not dfc-objdump %s 2>&1 | filecheck %s --check-prefix=MAGIC
// RUN: not dfc-objdump %t.missing.dfcb 2>&1 | filecheck %s --check-prefix=MISSING

// MAGIC: dfc-objdump: error: {{.*}}negative-not-dfcb.mlir: bitstream: byte 0 (0x0): not a .dfcb file: magic is b'/// ', expected b'DFCB'
// MAGIC-NOT: {{.}}
// MISSING: dfc-objdump: error: No such file or directory: {{.*}}missing.dfcb
