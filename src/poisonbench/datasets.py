"""The dataset registry: where a raw file comes from, how it is verified, and how it is read.

Each dataset is one entry of ``datasets:`` in ``config.yaml``; nothing here is specific to Adult
or Stroke, so a new CSV dataset needs a config entry only.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from poisonbench.errors import ChecksumError, ConfigError, DataError
from poisonbench.io import atomic_path

log = logging.getLogger(__name__)

NUMERIC = "numeric"
CATEGORICAL = "categorical"


@dataclass(frozen=True)
class DatasetSpec:
    """How to obtain and read one raw dataset (mirrors one ``datasets:`` config entry)."""

    name: str
    file: str
    sha256: str
    target: str
    positive: str
    url: str | None = None
    archive_member: str | None = None
    header: bool = True
    columns: tuple[str, ...] | None = None
    sep: str = ","
    na_values: tuple[str, ...] = ()
    skipinitialspace: bool = False
    drop: tuple[str, ...] = ()
    types: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_rows: int | None = None

    @classmethod
    def from_config(cls, name: str, entry: dict[str, Any]) -> DatasetSpec:
        read = entry.get("read", {})
        try:
            return cls(
                name=name,
                file=entry["file"],
                sha256=entry["sha256"].lower(),
                target=entry["target"],
                positive=str(entry["positive"]),
                url=entry.get("url"),
                archive_member=entry.get("archive_member"),
                header=read.get("header", True),
                columns=tuple(read["columns"]) if read.get("columns") else None,
                sep=read.get("sep", ","),
                na_values=tuple(str(v) for v in read.get("na_values", ())),
                skipinitialspace=read.get("skipinitialspace", False),
                drop=tuple(entry.get("drop", ())),
                types=dict(entry.get("types", {})),
                ranges={k: (v[0], v[1]) for k, v in entry.get("ranges", {}).items()},
                categories={k: tuple(map(str, v)) for k, v in entry.get("categories", {}).items()},
                max_rows=entry.get("max_rows"),
            )
        except KeyError as exc:
            raise ConfigError(f"datasets.{name}: missing required key {exc.args[0]!r}") from None


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, spec: DatasetSpec) -> None:
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise ChecksumError(
            f"{path}: SHA-256 mismatch for dataset {spec.name!r} (expected {spec.sha256}, "
            f"got {actual}). The file is corrupted or a different version: delete it and place "
            f"the original {spec.file!r} in data_dir, or let the workflow download it"
            + (f" from {spec.url}" if spec.url else "")
            + "."
        )


def _download(url: str, timeout: float) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "poisonbench"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def _unpack(payload: bytes, spec: DatasetSpec) -> bytes:
    if not zipfile.is_zipfile(io.BytesIO(payload)):
        return payload
    member = spec.archive_member or spec.file
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        names = zf.namelist()
        if member not in names:
            raise DataError(
                f"dataset {spec.name!r}: the downloaded archive has no member {member!r} "
                f"(it has {names}); set datasets.{spec.name}.archive_member"
            )
        return zf.read(member)


def fetch(spec: DatasetSpec, data_dir: str | Path, dest: str | Path, timeout: float = 60) -> str:
    """Locate ``spec.file`` in ``data_dir`` or download it, verify its SHA-256, copy to ``dest``.

    Returns how the file was obtained (``"located"`` or ``"downloaded"``). ``dest`` only ever
    appears complete and verified.
    """
    local = Path(data_dir) / spec.file
    with atomic_path(dest) as tmp:
        if local.is_file():
            verify(local, spec)
            shutil.copyfile(local, tmp)
            how = "located"
            log.info("dataset %s: located %s (sha256 ok)", spec.name, local)
        else:
            if not spec.url:
                raise DataError(
                    f"dataset {spec.name!r}: {spec.file!r} is not in data_dir {str(data_dir)!r} "
                    f"and no url is configured. Place the file there or pass "
                    f"--config data_dir=DIR pointing at a folder that holds it."
                )
            log.info("dataset %s: %s not found, downloading %s", spec.name, local, spec.url)
            try:
                payload = _download(spec.url, timeout)
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                raise DataError(
                    f"dataset {spec.name!r}: {spec.file!r} is not in data_dir "
                    f"{str(data_dir)!r} and downloading {spec.url} failed ({exc}). Download it "
                    f"by hand into that folder, or pass --config data_dir=DIR."
                ) from None
            tmp.write_bytes(_unpack(payload, spec))
            verify(tmp, spec)
            how = "downloaded"
    return how


def read_raw(path: str | Path, spec: DatasetSpec) -> pd.DataFrame:
    """Read a verified raw file as strings; typing is the preprocessing's job."""
    try:
        df = pd.read_csv(
            path,
            sep=spec.sep,
            header=0 if spec.header else None,
            names=list(spec.columns) if spec.columns else None,
            na_values=list(spec.na_values),
            keep_default_na=False,
            skipinitialspace=spec.skipinitialspace,
            dtype=str,
            skip_blank_lines=True,
            on_bad_lines="error",
            engine="c",
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(
            f"{path}: cannot be read as a {spec.sep!r}-separated file for dataset "
            f"{spec.name!r} ({str(exc).strip()}). Check datasets.{spec.name}.read and the file."
        ) from None
    for col in df.columns:
        df[col] = df[col].str.strip()
    if spec.target not in df.columns:
        raise DataError(
            f"{path}: target column {spec.target!r} of dataset {spec.name!r} does not exist; "
            f"columns are {list(df.columns)}. Fix datasets.{spec.name}.target."
        )
    missing_drop = [c for c in spec.drop if c not in df.columns]
    if missing_drop:
        raise DataError(
            f"{path}: columns {missing_drop} listed in datasets.{spec.name}.drop do not exist; "
            f"columns are {list(df.columns)}."
        )
    return df.drop(columns=list(spec.drop))
