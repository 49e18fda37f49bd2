"""The glue every rule script uses: logging to the rule's log file and one-line user errors."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from poisonbench.errors import PoisonbenchError


def setup_logging(log_file: str | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
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
        logging.getLogger("poisonbench").error("%s", exc)
        print(f"poisonbench error in rule {smk.rule}: {exc}", file=sys.stderr)
        sys.exit(1)
