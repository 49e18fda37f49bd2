"""Running the real Snakemake workflow from tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "configs" / "tiny.yaml"


def snakemake(workdir: Path, *args: str, data_dir: Path, configfile: Path | None = TINY,
              config: tuple[str, ...] = (), check: bool = True,
              timeout: int = 900) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir``; ``args`` are targets and flags, ``config`` extra k=v pairs."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(workdir), *args]
    if configfile is not None:
        cmd += ["--configfile", str(configfile)]
    cmd += ["--config", f"data_dir={data_dir}", *config]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n"
                             f"{proc.stderr[-6000:]}")
    return proc


def tiny_config() -> dict:
    """config.yaml updated with the tiny config, as Snakemake merges them."""
    import yaml
    from snakemake.utils import update_config

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    update_config(config, yaml.safe_load(TINY.read_text()))
    return config
