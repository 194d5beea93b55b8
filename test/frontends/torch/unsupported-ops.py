# RUN: %python %s 2>&1 | filecheck %s
# Every unsupported op is listed in one error with its overload, FX node
# and source line.

import torch

from dfc.frontends.torch import TorchImportError, import_torch


class Spectral(torch.nn.Module):
    def forward(self, x):
        return torch.fft.fft(x).real + torch.linalg.inv(x)


try:
    import_torch(Spectral(), (torch.randn(4, 4),))
except TorchImportError as error:
    print(error)

# CHECK:      error: 4 unsupported PyTorch ops:
# CHECK-NEXT:   aten._fft_r2c.default at node '_fft_r2c' ({{.*}}unsupported-ops.py:12): no converter
# CHECK-NEXT:   aten.view_as_real.default at node 'view_as_real' ({{.*}}unsupported-ops.py:12): no converter
# CHECK-NEXT:   aten.linalg_inv_ex.default at node 'linalg_inv_ex' ({{.*}}unsupported-ops.py:12): no converter
# CHECK-NEXT:   aten._linalg_check_errors.default at node 'with_effects' ({{.*}}unsupported-ops.py:12): has side effects
