/// A file built for one chip is refused for another, naming both fingerprints:
/// by `dfc-objdump --chip`, by `--bitstream-to-mlir --chip`, and by
/// `--bitstream-to-mlir` when the preset the file names has another
/// fingerprint than the file records (here: a tiny program re-stamped with a
/// made-up fingerprint, every CRC valid).
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/multi-section.mlir -o %t.dfcb
// RUN: not dfc-objdump %t.dfcb --chip sn40l 2>&1 | filecheck %s --check-prefix=OBJDUMP
// RUN: not dfc-translate --bitstream-to-mlir %t.dfcb --chip sn40l 2>&1 | filecheck %s --check-prefix=TRANSLATE
// RUN: %python -c "import sys, dataclasses; from dfc.backends.bitstream import decode, encode; p = decode(open(sys.argv[1], 'rb').read()); open(sys.argv[2], 'wb').write(encode(dataclasses.replace(p, chip_fingerprint='0123456789abcdef')))" %t.dfcb %t.stamped.dfcb
// RUN: not dfc-translate --bitstream-to-mlir %t.stamped.dfcb 2>&1 | filecheck %s --check-prefix=STAMPED

// OBJDUMP: dfc-objdump: error: {{.*}}: bitstream: built for chip 'tiny' (fingerprint 071e6348378fa0f3) but the chip is 'sn40l' (fingerprint a7d3e7d77b4b785e)
// TRANSLATE: dfc-translate: error: {{.*}}: bitstream: built for chip 'tiny' (fingerprint 071e6348378fa0f3) but the chip is 'sn40l' (fingerprint a7d3e7d77b4b785e)
// STAMPED: dfc-translate: error: {{.*}}: bitstream: built for chip 'tiny' (fingerprint 0123456789abcdef) but the chip is 'tiny' (fingerprint 071e6348378fa0f3)
