"""Run ONNX's backend node test suite through dfc and classify every case.

    python -m bench onnx-conformance [--write-allowlist] [--filter SUBSTRING]
    python -m bench onnx-conformance --target simulate --allowlist-only

`--target` picks the execution target of `dfc.onnx_backend`: `reference` (the
interpreter, default), `simulate` / `simulate-tiny` (compile the whole pipeline
for sn40l / tiny and run the bitstream on the simulator). `--allowlist-only`
runs only the cases that pass on the interpreter (the allow-list).

Each case is imported with `dfc.import_onnx` and run on the reference
interpreter; outputs are compared with the suite's own rtol/atol. Outcomes:

- passed: every output matches;
- unsupported: the importer refused with a clean diagnostic (`OnnxImportError`);
- wrong: ran, but an output differs (or has another shape or type);
- crashed: any other exception — a bug to fix.

`--write-allowlist` records the passing names in
`test/frontends/onnx/conformance-allowlist.txt`, which the test suite runs.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

ALLOWLIST = Path(__file__).resolve().parent.parent / "test/frontends/onnx/conformance-allowlist.txt"


def load_cases():
    from onnx.backend.test.loader import load_model_tests

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_model_tests(kind="node")


def compare(expected: np.ndarray, actual: np.ndarray, rtol: float, atol: float) -> str | None:
    """None when `actual` matches, else a short reason."""
    expected, actual = np.asarray(expected), np.asarray(actual)
    if expected.shape != actual.shape:
        return f"shape {actual.shape} != expected {expected.shape}"
    if expected.dtype.kind in "US" or expected.dtype == object:
        return None if np.array_equal(expected, actual) else "values differ"
    if np.dtype(expected.dtype) != np.dtype(actual.dtype):
        return f"dtype {actual.dtype} != expected {expected.dtype}"
    if expected.dtype.kind == "f" or "bfloat16" in str(expected.dtype):
        e, a = expected.astype(np.float64), actual.astype(np.float64)
        both_nan = np.isnan(e) & np.isnan(a)
        close = np.isclose(a, e, rtol=rtol, atol=atol) | both_nan
        if not close.all():
            worst = np.nanmax(np.abs(a - e)[~close]) if (~close).any() else 0.0
            return f"{int((~close).sum())} elements differ (max abs error {worst:.3g})"
        return None
    return None if np.array_equal(expected, actual) else "values differ"


def as_array(value) -> np.ndarray:
    """Test data comes as numpy arrays or TensorProtos (bf16, f16 cases)."""
    import onnx
    from onnx import numpy_helper

    if isinstance(value, onnx.TensorProto):
        return numpy_helper.to_array(value)
    return np.asarray(value)


def run_case(case, target: str = "reference") -> tuple[str, str]:
    """(outcome, detail) for one test case, driven through dfc's ONNX backend
    (`prepare`, then `run` per data set), as ONNX's own runner would."""
    import dfc.onnx_backend  # noqa: F401 - registers the simulate targets
    from dfc.compile import CompileError
    from dfc.frontends.onnx import OnnxImportError
    from dfc.frontends.onnx.backend import DfcBackend

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rep = DfcBackend.prepare(case.model, target=target)
            for raw_inputs, raw_outputs in case.data_sets:
                inputs = [as_array(v) for v in raw_inputs]
                outputs = [as_array(v) for v in raw_outputs]
                actual = rep.run(inputs)
                if len(actual) != len(outputs):
                    return "wrong", f"{len(actual)} outputs, expected {len(outputs)}"
                for index, (e, a) in enumerate(zip(outputs, actual, strict=True)):
                    reason = compare(e, a, case.rtol, case.atol)
                    if reason is not None:
                        return "wrong", f"output #{index}: {reason}"
    except OnnxImportError as error:
        return "unsupported", str(error).replace("\n", " ")[:300]
    except CompileError as error:
        return "uncompiled", str(error).replace("\n", " ")[:300]
    except Exception as error:
        tb = traceback.format_exc(limit=-3)
        return "crashed", f"{type(error).__name__}: {error}"[:300] + "\n" + tb
    return "passed", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-allowlist", action="store_true")
    parser.add_argument("--filter", default="", help="only cases whose name contains this")
    parser.add_argument("--show", default="crashed,wrong,uncompiled", help="outcomes to list in detail")
    parser.add_argument("--target", default="reference", help="reference, simulate or simulate-tiny")
    parser.add_argument("--allowlist-only", action="store_true", help="only the allow-listed cases")
    args = parser.parse_args(argv)

    cases = [c for c in load_cases() if args.filter in c.name]
    if args.allowlist_only:
        allowed = {
            line.strip()
            for line in ALLOWLIST.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        }
        cases = [c for c in cases if c.name in allowed]
    results: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    start = time.perf_counter()
    for case in cases:
        outcome, detail = run_case(case, args.target)
        results[outcome].append((case.name, detail))
    elapsed = time.perf_counter() - start

    for outcome in args.show.split(","):
        for name, detail in sorted(results.get(outcome, [])):
            print(f"{outcome:12s} {name}: {detail.splitlines()[0] if detail else ''}")
    unsupported_ops = collections.Counter()
    for _, detail in results.get("unsupported", []):
        for op in re.findall(r"(\w+) \(opset \d+\) at node", detail):
            unsupported_ops[op] += 1
    print()
    print(f"ONNX backend node tests through dfc (target: {args.target})")
    print(f"  cases:       {len(cases)}")
    for outcome in ("passed", "unsupported", "uncompiled", "wrong", "crashed"):
        print(f"  {outcome + ':':12s} {len(results.get(outcome, []))}")
    print(f"  time:        {elapsed:.1f} s")
    if unsupported_ops:
        top = ", ".join(f"{op} ({n})" for op, n in unsupported_ops.most_common())
        print(f"  unsupported op types: {top}")

    if args.write_allowlist:
        names = sorted(name for name, _ in results.get("passed", []))
        ALLOWLIST.parent.mkdir(parents=True, exist_ok=True)
        ALLOWLIST.write_text(
            "# ONNX backend node tests that dfc passes (written by\n"
            "# `python -m bench onnx-conformance --write-allowlist`; run by\n"
            "# test/python/frontends/test_onnx_conformance.py).\n"
            + "".join(f"{n}\n" for n in names)
        )
        print(f"  wrote {len(names)} names to {ALLOWLIST}")
    return 1 if results.get("crashed") else 0


if __name__ == "__main__":
    sys.exit(main())
