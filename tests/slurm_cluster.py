"""A real single-node SLURM for tests: Debian's slurmctld, slurmd and munge, no systemd.

``SlurmCluster.start()`` installs the packages when they are missing (root and apt-get
needed), writes a minimal ``slurm.conf`` into a temporary folder, links it at the default path
``/etc/slurm/slurm.conf`` (the plugin's job step strips ``SLURM_*`` variables, so ``SLURM_CONF``
alone fails inside jobs), and starts ``munged``, ``slurmctld`` and ``slurmd`` in the foreground
(as background processes). ``stop()`` cancels what is left, stops exactly those three
processes and removes the link and the folder. Anything that prevents this raises
``SlurmUnavailable`` with the reason; the pytest fixture turns it into a skip (or a failure when
``POISONBENCH_REQUIRE_SLURM=1``, as in CI).

No accounting daemon: ``sacct`` does not work, so Snakemake must be run with
``--slurm-status-command squeue``; ``MinJobAge`` keeps finished jobs visible to ``squeue`` long
enough (the plugin wants at least 3x its first status-check delay).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SLURM_CONF = Path("/etc/slurm/slurm.conf")
PACKAGES = {"munged": "munge", "slurmctld": "slurmctld", "slurmd": "slurmd",
            "sbatch": "slurm-client"}
SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PARTITION = "pbtest"
MIN_JOB_AGE = 900  # seconds a finished job stays in squeue (the status command without sacct)
TMP_PREFIX = "pb-slurm-"


class SlurmUnavailable(RuntimeError):
    """This machine cannot run the local SLURM (the message says why)."""


def _which(exe: str) -> str | None:
    return shutil.which(exe, path=f"{os.environ.get('PATH', '')}:{SBIN_PATH}")


def _env() -> dict[str, str]:
    """The environment for SLURM commands: the default config path, the sbin folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["PATH"] = f"{env.get('PATH', '')}:{SBIN_PATH}"
    return env


def ensure_packages(timeout: int = 900) -> list[str]:
    """Install the Debian packages that are missing (only those); return what was installed."""
    missing = sorted({pkg for exe, pkg in PACKAGES.items() if _which(exe) is None})
    if not missing:
        return []
    if os.geteuid() != 0:
        raise SlurmUnavailable(f"SLURM packages {missing} are missing and this is not root")
    if shutil.which("apt-get") is None:
        raise SlurmUnavailable(f"SLURM packages {missing} are missing and there is no apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    proc = subprocess.run(install, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:  # stale or missing package lists: update once, then retry
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True,
                       timeout=timeout)
        proc = subprocess.run(install, env=env, capture_output=True, text=True, timeout=timeout)
    still = sorted({pkg for exe, pkg in PACKAGES.items() if _which(exe) is None})
    if proc.returncode != 0 or still:
        raise SlurmUnavailable(f"apt-get install {' '.join(missing)} failed "
                               f"({proc.returncode}): {(proc.stdout + proc.stderr)[-1500:]}")
    return missing


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _real_memory_mb() -> int:
    out = subprocess.run([_which("slurmd") or "slurmd", "-C"], capture_output=True, text=True,
                         env=_env(), timeout=60).stdout
    match = re.search(r"RealMemory=(\d+)", out)
    if not match:
        raise SlurmUnavailable(f"`slurmd -C` reported no RealMemory: {out!r}")
    return int(match.group(1))


def _pid_alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _claim_config_path(conf: Path) -> None:
    """Link ``conf`` at /etc/slurm/slurm.conf unless a real SLURM's config is there."""
    if SLURM_CONF.is_symlink():
        target = Path(os.readlink(SLURM_CONF))
        ours = target.parent.name.startswith(TMP_PREFIX)
        if not ours:
            raise SlurmUnavailable(f"{SLURM_CONF} links to {target}, not a test cluster's config")
        pid = _pid_alive(target.parent / "slurmctld.pid")
        if pid:
            raise SlurmUnavailable(f"another test cluster is running (slurmctld pid {pid}, "
                                   f"{target.parent})")
        SLURM_CONF.unlink()  # left over from a run that was killed
    elif SLURM_CONF.exists():
        raise SlurmUnavailable(f"{SLURM_CONF} exists: a SLURM is configured on this machine, "
                               f"the tests will not touch it")
    SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
    SLURM_CONF.symlink_to(conf)


@dataclass
class SlurmCluster:
    """One node (this host), one default partition; state, spool and logs under ``root``."""

    root: Path
    node: str = field(default_factory=lambda: socket.gethostname().split(".")[0])
    partition: str = PARTITION
    cpus: int = field(default_factory=lambda: os.cpu_count() or 1)
    mem_mb: int = 0
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    installed: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- life cycle
    @classmethod
    def start(cls, min_mem_mb: int = 8000, timeout: float = 60) -> SlurmCluster:
        """``min_mem_mb``: the largest request (a `fit` group job: two 4,000 MB fits)."""
        if os.geteuid() != 0:
            raise SlurmUnavailable("the local SLURM needs root (slurmd runs jobs as any user)")
        installed = ensure_packages()
        cluster = cls(root=Path(tempfile.mkdtemp(prefix=TMP_PREFIX)), installed=installed)
        try:
            cluster._start(min_mem_mb, timeout)
        except BaseException:
            cluster.stop()
            raise
        atexit.register(cluster.stop)
        return cluster

    def _start(self, min_mem_mb: int, timeout: float) -> None:
        self.mem_mb = _real_memory_mb()
        if self.mem_mb < min_mem_mb:
            raise SlurmUnavailable(f"this node has {self.mem_mb} MB; jobs ask up to "
                                   f"{min_mem_mb} MB")
        for sub in ("munge", "state", "spool", "log"):
            (self.root / sub).mkdir(mode=0o755)
        key_dir = self.root / "munge-key"
        key_dir.mkdir(mode=0o700)
        key = key_dir / "munge.key"
        key.write_bytes(os.urandom(128))
        key.chmod(0o600)
        sock = self.root / "munge" / "munge.socket"
        conf = self.root / "slurm.conf"
        conf.write_text(self._slurm_conf(sock))
        _claim_config_path(conf)

        self._spawn("munged", [_which("munged"), "--foreground", "--force",
                               f"--socket={sock}", f"--key-file={key}",
                               f"--log-file={self.root / 'log/munged.log'}",
                               f"--pid-file={self.root / 'munge/munged.pid'}",
                               f"--seed-file={self.root / 'munge/munged.seed'}"])
        self._wait(lambda: subprocess.run([_which("munge"), "-n", "-S", str(sock)],
                                          capture_output=True).returncode == 0,
                   "munged to answer", timeout)
        self._spawn("slurmctld", [_which("slurmctld"), "-D", "-i"])
        self._wait(lambda: "UP" in self.run("scontrol", "ping", check=False).stdout,
                   "slurmctld to answer `scontrol ping`", timeout)
        self._spawn("slurmd", [_which("slurmd"), "-D", "-N", self.node])
        self._wait(lambda: self.run("sinfo", "-h", "-N", "-o", "%t", check=False)
                   .stdout.strip() in {"idle", "mix", "alloc"},
                   "the node to become idle", timeout)

    def _slurm_conf(self, sock: Path) -> str:
        r = self.root
        return f"""# written by tests/slurm_cluster.py: a throwaway single-node cluster
ClusterName=poisonbench
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/slurmctld.pid
SlurmdPidFile={r}/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups, no accounting: nothing but processes
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge={MIN_JOB_AGE}
KillWait=5
InactiveLimit=0
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.mem_mb} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""

    def _spawn(self, name: str, cmd: list[str | None]) -> None:
        if cmd[0] is None:
            raise SlurmUnavailable(f"{name} not found")
        out = (self.root / "log" / f"{name}.out").open("wb")
        self.procs[name] = subprocess.Popen([str(c) for c in cmd], stdout=out,
                                            stderr=subprocess.STDOUT, env=_env(),
                                            start_new_session=True, stdin=subprocess.DEVNULL)

    def _wait(self, ready, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise SlurmUnavailable(f"{dead[0]} exited ({self.procs[dead[0]].returncode}) "
                                       f"while waiting for {what}:\n{self.log_tail()}")
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                if ready():
                    return
            time.sleep(0.3)
        raise SlurmUnavailable(f"timed out after {timeout:.0f} s waiting for {what}:\n"
                               f"{self.log_tail()}")

    def stop(self) -> None:
        """Cancel leftover jobs, stop the three daemons this object started, clean up."""
        if self.procs.get("slurmctld") and self.procs["slurmctld"].poll() is None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.run("scancel", f"--partition={self.partition}", check=False)
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and self.active_jobs():
                    time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if SLURM_CONF.is_symlink() and Path(os.readlink(SLURM_CONF)).parent == self.root:
            SLURM_CONF.unlink()
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)

    # ---------------------------------------------------------------- queries
    def run(self, *cmd: str, check: bool = True, timeout: float = 30):
        return subprocess.run(list(cmd), capture_output=True, text=True, env=_env(),
                              timeout=timeout, check=check)

    def active_jobs(self) -> list[str]:
        out = self.run("squeue", "-h", "-t", "PD,R,CG,CF", "-o", "%i", check=False).stdout
        return out.split()

    def jobs(self) -> dict[str, tuple[str, str]]:
        """Every job the controller still knows: id -> (name, state)."""
        out = self.run("squeue", "-h", "-t", "all", "-o", "%i|%j|%T", check=False).stdout
        rows = (line.split("|") for line in out.splitlines() if line.count("|") == 2)
        return {i: (name, state) for i, name, state in rows}

    def log_tail(self, chars: int = 3000) -> str:
        parts = []
        for path in sorted((self.root / "log").glob("*")):
            with contextlib.suppress(OSError):
                parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-chars:]}")
        return "\n".join(parts)


def main(argv: list[str]) -> int:
    """`python3 tests/slurm_cluster.py install` installs the missing packages (CI does this
    before `make test`); `... check` also starts the cluster, shows it and stops it."""
    action = argv[1] if len(argv) > 1 else "check"
    if action not in {"install", "check"}:
        print(f"usage: {argv[0]} [install|check]")
        return 2
    try:
        installed = ensure_packages()
        print(f"installed: {' '.join(installed)}" if installed else "SLURM packages present")
        if action == "check":
            cluster = SlurmCluster.start()
            try:
                print(cluster.run("sinfo", "-N", "-l").stdout)
            finally:
                cluster.stop()
    except SlurmUnavailable as exc:
        print(f"local SLURM unavailable: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
