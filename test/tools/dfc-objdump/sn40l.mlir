/// The hand-written sn40l program: two sections, the weight image stored once
/// and shared by both, per-port FIFO depths, routes around the left edge.
// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/sn40l-program.mlir -o %t.dfcb
// RUN: dfc-objdump %t.dfcb | filecheck %s

// CHECK:      chip: sn40l, fingerprint a7d3e7d77b4b785e
// CHECK:      memories (4):
// CHECK:        @w          hbm offset 512, 4x32 f32 (512 bytes), weight, init 512 bytes
// CHECK:      images (1):
// CHECK-NEXT:   image 0: 512 bytes, crc32 0x{{[0-9a-f]+}}, used by memory @w; sections s0, s1
// CHECK-LABEL: section 0 @s0:
// CHECK-NEXT:   reads @x, @w; writes @t; retains -
// CHECK-NEXT:   units (3 agcu, 1 pcu, 1 pmu):
// CHECK:          pcu @p0 at (0, 1): map f32, 2 in, 1 out, 23 registers
// CHECK:            fifo depths [4, 8]
// CHECK:          pmu @m0 at (0, 2): 512 bytes x 2 (double-buffered), 16 banks, f32
// CHECK:            @a2.in0: (0, 2) -> (1, 2) -> (2, 2) -> (3, 2) -> (3, 1) -> (3, 0)
// CHECK:            @a1: load @w hbm byte 512, 4-byte elements, counters [0:4:1, 0:32:32], element 32*c0 + c1
// CHECK-LABEL: section 1 @s1:
// CHECK:            reduce add over counters [1], lanes true
