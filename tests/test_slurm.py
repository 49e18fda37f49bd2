"""The workflow through a real SLURM: a single-node cluster on this machine
(tests/slurm_cluster.py), the profile workflow/profiles/slurm, the micro config. Its tables must
be byte-identical to a local run's, and its jobs must have gone through sbatch."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from conftest import copy_workflow
from slurm_cluster import SlurmCluster, SlurmUnavailable
from test_reliability import MICRO, micro_reference, records, tables

pytestmark = [pytest.mark.workflow, pytest.mark.slurm]

LIMIT_S = 480  # the whole SLURM run; `timeout -k` ends it if the plugin ever hangs
# cheap rules that run on the submit host once the workflow declares them local rules
MAY_BE_LOCAL = {"profile", "table", "table1", "problem1", "paper_comparison", "ablation",
                "figure", "rulegraph"}


@pytest.fixture(scope="session")
def slurm():
    """A running single-node SLURM, stopped at the end of the session. Skipped (with the reason)
    where it cannot run; POISONBENCH_REQUIRE_SLURM=1 (CI) turns that skip into a failure."""
    try:
        cluster = SlurmCluster.start()
    except SlurmUnavailable as exc:
        if os.environ.get("POISONBENCH_REQUIRE_SLURM") == "1":
            pytest.fail(f"local SLURM required but unavailable: {exc}")
        print(f"\nlocal SLURM unavailable: {exc}")
        pytest.skip(f"local SLURM unavailable: {exc}")
    if cluster.installed:
        print(f"\ninstalled {cluster.installed}")
    yield cluster
    cluster.stop()


def test_the_workflow_on_slurm_matches_a_local_run(slurm, tmp_path, tmp_path_factory,
                                                   data_dir, capsys):
    reference = micro_reference(tmp_path_factory, data_dir)
    work = copy_workflow(tmp_path)
    cmd = [
        "timeout", "-k", "15", str(LIMIT_S),
        sys.executable, "-m", "snakemake", "--profile", "workflow/profiles/slurm",
        "--workflow-profile", "none", "--directory", str(work),
        "--configfile", str(MICRO), "--config", f"data_dir={data_dir}",
        # what the profile leaves to the cluster at hand: this one has no accounting (so no
        # sacct: squeue, whose finished jobs stay for MinJobAge = 900 s >= 3 x the first status
        # check) and no account to charge
        "--slurm-status-command", "squeue",
        "--slurm-init-seconds-before-status-checks", "1",
        "--seconds-between-status-checks", "1",
        "--slurm-no-account",
        # a local file system, and a failure should show at once rather than be retried
        "--latency-wait", "5", "--retries", "0",
    ]
    if slurm.cpus < 2:  # the profile asks up to 2 cores per submission
        cmd += ["--cores", str(slurm.cpus)]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    wall = time.monotonic() - start
    log = proc.stdout + proc.stderr
    (tmp_path / "slurm-run.log").write_text(log)
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
    groups = sorted(set(re.findall(r"Group job (\w+) \(jobs", log)))
    with capsys.disabled():  # shown even when pytest captures output
        print(f"\nSLURM run of the micro config: {wall:.0f} s wall, {len(submitted)} SLURM "
              f"jobs submitted (groups: {', '.join(groups) or 'none'})")
    if proc.returncode != 0:
        pytest.fail(f"snakemake on SLURM failed ({proc.returncode}"
                    f"{', timed out' if proc.returncode in (124, 137) else ''}):\n"
                    f"{log[-6000:]}\n{slurm.log_tail()}")

    # the jobs went through SLURM: submitted, known to the controller, all completed
    assert submitted, log[-3000:]
    known = slurm.jobs()
    assert set(submitted) <= set(known), (submitted, known)
    assert {known[j][1] for j in submitted} == {"COMPLETED"}, known
    assert len({known[j][0] for j in submitted}) == 1  # one run's uuid names all of them
    # only local rules ran on this host (fetch; the tables and figures once they are local
    # rules); the rest ran in SLURM jobs, bundled into the profile's groups
    local = set(re.findall(r"^localrule (\w+):", log, flags=re.M))
    assert "fetch" in local and local <= {"fetch", "all", *MAY_BE_LOCAL}, local
    remote = re.findall(r"^ *rule (\w+):", log, flags=re.M)  # group members are indented
    assert {"preprocess", "augment", "poison", "fit_split", "fit_cv"} <= set(remote)
    assert {"data", "fit"} <= set(groups)
    assert len(submitted) < len(remote)

    # and they computed exactly what a local run computes
    assert tables(work) == tables(reference)
    assert records(work) == records(reference)
