# RUN: %python %s | filecheck %s
# Linear + GELU(tanh) imports as matmul (weight read transposed in place),
# a bias add and dfg.gelu; the weight is a dense_resource blob, the input
# and output keep their names, each op is located at its FX node and line.

import torch

from dfc.dialects import make_context
from dfc.frontends.torch import import_torch
from dfc.tools.mlir_io import print_module


class LinearGelu(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(32, 8)

    def forward(self, tokens):
        return torch.nn.functional.gelu(self.fc(tokens), approximate="tanh")


module = import_torch(LinearGelu(), (torch.randn(4, 32),))
print(print_module(make_context(), module, debuginfo=True))

# CHECK-LABEL: func.func @main(
# CHECK-SAME:    %[[X:.*]]: tensor<4x32xf32> {dfc.name = "tokens"} loc({{.*}})) -> (tensor<4x8xf32> {dfc.name = "output"})
# CHECK:         %[[W:.*]] = dfg.constant dense_resource<fc.weight> : tensor<8x32xf32> loc("fc.weight")
# CHECK:         %[[MM:.*]] = dfg.matmul %[[X]], %[[W]] {transpose_b = true} : (tensor<4x32xf32>, tensor<8x32xf32>) -> tensor<4x8xf32> loc("addmm"("{{.*}}linear-gelu.py":19:1))
# CHECK:         %[[B:.*]] = dfg.constant dense<{{.*}}> : tensor<8xf32> loc("fc.bias")
# CHECK:         %[[ADD:.*]] = dfg.add %[[MM]], %[[B]] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("addmm"(
# CHECK:         %[[G:.*]] = dfg.gelu %[[ADD]] {approximate = "tanh"} : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("gelu"("{{.*}}linear-gelu.py":19:1))
# CHECK:         func.return %[[G]] : tensor<4x8xf32>
