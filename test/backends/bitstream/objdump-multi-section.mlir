// RUN: dfc-translate --mlir-to-bitstream %S/../../dialects/su/multi-section.mlir -o %t.dfcb
// RUN: dfc-objdump %t.dfcb | filecheck %s

/// The two-section `tiny` example encodes to a file whose listing shows every
/// part: header, checksums, chunks, memories, the PMU's init image, units by
/// type with their registers, streams, routes and DMA descriptors.

// CHECK:      format: .dfcb 1.0, [[SIZE:[0-9]+]] bytes
// CHECK-NEXT: chip: tiny, fingerprint 071e6348378fa0f3
// CHECK-NEXT: checksums: header 0x{{[0-9a-f]+}} ok, entry table 0x{{[0-9a-f]+}} ok, file 0x{{[0-9a-f]+}} ok
// CHECK:      chunks (5):
// CHECK-NEXT:   0  strings
// CHECK-NEXT:   1  images
// CHECK-NEXT:   2  memories
// CHECK-NEXT:   3  section {{.*}} ok
// CHECK-NEXT:   4  section {{.*}} ok
// CHECK:      memories (3):
// CHECK-NEXT:   @x          hbm offset 0, 8x8 f32 (256 bytes), input
// CHECK-NEXT:   @t          hbm offset 256, 8x8 f32 (256 bytes), scratch
// CHECK-NEXT:   @y          hbm offset 512, 8 f32 (32 bytes), output
// CHECK:      images (1):
// CHECK-NEXT:   image 0: 256 bytes, crc32 0x{{[0-9a-f]+}}, used by pmu @s1/m0; sections s1

// CHECK-LABEL: section 0 @s0:
// CHECK-NEXT:   reads @x; writes @t; retains -
// CHECK-NEXT:   units (2 agcu, 1 pcu, 1 pmu):
// CHECK-NEXT:     agcu @a0 at (2, 0): load @x, 0 in, 1 out, 3 registers
// CHECK-NEXT:     pcu @p0 at (2, 1): map f32, 1 in, 1 out, 22 registers
// CHECK-NEXT:       counters [0:8:1, 0:8:4]
// CHECK-NEXT:       stages mul(in0, c0); add(s0, c1)
// CHECK-NEXT:       constants [2.0, 1.0]
// CHECK-NEXT:     pmu @m0 at (2, 2): 256 bytes x 2 (double-buffered), 4 banks, f32, 1 in, 1 out, 29 registers
// CHECK-NEXT:       write: counters [0:8:1, 0:8:4], address 8*c0 + c1
// CHECK-NEXT:       read: counters [0:8:1, 0:8:4], address c0 + 8*c1
// CHECK-NEXT:     agcu @a1 at (2, 3): store @t, 1 in, 0 out, 3 registers
// CHECK-NEXT:   streams (3):
// CHECK-NEXT:       0: vector f32  @a0.out0 -> @p0.in0
// CHECK-NEXT:       1: vector f32  @p0.out0 -> @m0.in0
// CHECK-NEXT:       2: vector f32  @m0.out0 -> @a1.in0
// CHECK-NEXT:   routes (3):
// CHECK-NEXT:     @p0.in0: (2, 0) -> (2, 1)
// CHECK-NEXT:     @m0.in0: (2, 1) -> (2, 2)
// CHECK-NEXT:     @a1.in0: (2, 2) -> (2, 3)
// CHECK-NEXT:   dma (2):
// CHECK-NEXT:     @a0: load @x hbm byte 0, 4-byte elements, counters [0:8:1, 0:8:4], element 8*c0 + c1
// CHECK-NEXT:     @a1: store @t hbm byte 256, 4-byte elements, counters [0:8:1, 0:8:4], element 8*c0 + c1

// CHECK-LABEL: section 1 @s1:
// CHECK:          pmu @m0 at (2, 2): 256 bytes, 4 banks, f32, 0 in, 1 out, 19 registers
// CHECK-NEXT:       init image 256 bytes
// CHECK:          pcu @p0 at (2, 1): reduce f32 (accumulate f32), 2 in, 1 out, 22 registers
// CHECK:            reduce add over counters [1], lanes true
// CHECK:          2: scalar f32  @p0.out0 -> @a1.in0
// CHECK:          @a1.in0: (2, 1) -> (2, 2) -> (2, 3)
// CHECK:          @a1: store @y hbm byte 512, 4-byte elements, counters [0:8:1], element c0
