/// A file with one flipped byte is refused with one error line (the CRC that
/// caught it, stored and computed) and exit status 1, by dfc-objdump and by
/// --bitstream-to-mlir; no output file is left behind.
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/multi-section.mlir -o %t.dfcb
// RUN: %python -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[700] ^= 0x10; open(sys.argv[2], 'wb').write(d)" %t.dfcb %t.bad.dfcb
// RUN: not dfc-objdump %t.bad.dfcb > %t.out 2>&1
// RUN: filecheck %s --check-prefix=OBJDUMP < %t.out
// RUN: rm -f %t.bad.mlir
// RUN: not dfc-translate --bitstream-to-mlir %t.bad.dfcb -o %t.bad.mlir 2>&1 | filecheck %s --check-prefix=TRANSLATE
// RUN: not test -e %t.bad.mlir

// OBJDUMP:     dfc-objdump: error: {{.*}}bad.dfcb: bitstream: byte 627 (0x273): section chunk (entry 3) CRC32 mismatch: stored 0x{{[0-9a-f]+}}, computed 0x{{[0-9a-f]+}}
// OBJDUMP-NOT: {{.}}

// TRANSLATE:     dfc-translate: error: {{.*}}bad.dfcb: bitstream: byte 627 (0x273): section chunk (entry 3) CRC32 mismatch{{.*}}
// TRANSLATE-NOT: {{.}}
