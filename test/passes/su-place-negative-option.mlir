// RUN: dfc-opt %s -p 'su-place{chip=sn40l}' --verify-diagnostics

/// The pass option and the module disagree on the chip.
// expected-error @+1 {{su-place: the module targets chip 'tiny' but the pass was asked for 'sn40l' (chip=sn40l)}}
builtin.module attributes {su.chip = "tiny"} {
}
