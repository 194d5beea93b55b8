"""dfc's dialects and the context that loads them.

`make_context()` gives an xDSL context with builtin, func, arith and tensor plus
dfc's own dialects, and with dfc's blob store behind `dense_resource` (see
`resources`). Everything that parses or builds dfc IR starts from it.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.ir import Dialect

from .resources import ResourceInterface


def _builtin() -> Dialect:
    from xdsl.dialects.builtin import Builtin

    # A copy of builtin whose resource interface is dfc's blob store.
    return Dialect(
        Builtin.name,
        list(Builtin.operations),
        list(Builtin.attributes),
        [ResourceInterface()],
    )


def _func() -> Dialect:
    from xdsl.dialects.func import Func

    return Func


def _arith() -> Dialect:
    from xdsl.dialects.arith import Arith

    return Arith


def _tensor() -> Dialect:
    from xdsl.dialects.tensor import Tensor

    return Tensor


def _dfg() -> Dialect:
    from .dfg import DFG

    return DFG


def _su() -> Dialect:
    from .su import SU

    return SU


DIALECTS: dict[str, Callable[[], Dialect]] = {
    "builtin": _builtin,
    "func": _func,
    "arith": _arith,
    "tensor": _tensor,
    "dfg": _dfg,
    "su": _su,
}
"""Every dialect dfc registers, by name, loaded lazily."""


def make_context(allow_unregistered: bool = False) -> Context:
    ctx = Context(allow_unregistered=allow_unregistered)
    for name, factory in DIALECTS.items():
        if name == "builtin":
            ctx.load_dialect(factory())
        else:
            ctx.register_dialect(name, factory)
    return ctx


def resource_interface(ctx: Context) -> ResourceInterface:
    interface = ctx.get_dialect("builtin").get_interface(OpAsmDialectInterface)
    assert isinstance(interface, ResourceInterface), "not a dfc context"
    return interface
