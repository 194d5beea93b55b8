"""Errors the simulator raises: every one names the section, unit or stream at fault."""

from __future__ import annotations


class SimulationError(ValueError):
    """A bitstream or input that cannot be simulated; the message says why and where."""


class DeadlockError(SimulationError):
    """A program that can never finish: a stream that never drains, a consumer that
    waits for data that never comes, or a cycle of full FIFOs.

    `units` names the units involved, `section` the section where it happens.
    """

    def __init__(self, section: str, units: tuple[str, ...], problem: str) -> None:
        self.section = section
        self.units = units
        self.problem = problem
        super().__init__(
            f"deadlock in section '{section}' (units {', '.join(units)}): {problem}"
        )
