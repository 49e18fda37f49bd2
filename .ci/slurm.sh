#!/usr/bin/env bash
# CI: the Debian packages of the single-node SLURM that tests/test_slurm.py starts (munge,
# slurmctld, slurmd, slurm-client), installed with apt-get only when missing. The test's harness
# would install them too; doing it first keeps apt's time out of the test's.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 tests/slurm_cluster.py install
