"""The glue every rule script uses: logging to the rule's log file and one-line user errors."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from poisonbench.errors import PoisonbenchError


def export_library_path(src: str) -> None:
    """Put ``src`` on PYTHONPATH so that rule scripts, which Snakemake runs in fresh interpreters
    (possibly inside conda environments that do not install this package), import this library."""
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if src not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([src, *parts])


def setup_logging(log_file: str | None) -> None:
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)  # the terminal gets problems only; the log file everything
    handlers: list[logging.Handler] = [console]
    if log_file:
        handlers.append(logging.FileHandler(log_file, mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def run(smk: Any, main: Callable[[Any], None]) -> None:
    """Run ``main(snakemake)``; a user error becomes one clear line and exit status 1.

    Outputs are written atomically by the library, and Snakemake removes the outputs of a failed
    job, so nothing half-written survives.
    """
    setup_logging(smk.log[0] if len(smk.log) else None)
    try:
        main(smk)
    except PoisonbenchError as exc:
        logging.getLogger("poisonbench").error("rule %s: %s", smk.rule, exc)
        sys.exit(1)
