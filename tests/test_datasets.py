"""Locating, downloading (file:// URLs stand in for the network), verifying, reading."""

import hashlib
import shutil
import zipfile

import pytest

from poisonbench import datasets
from poisonbench.errors import ChecksumError, DataError


def _spec(tmp_path, content: bytes, **kw):
    return datasets.DatasetSpec(name="toy", file="toy.csv",
                                sha256=hashlib.sha256(content).hexdigest(), target="y",
                                positive="1", **kw)


CSV = b"a,b,y\n1,x,0\n2,y,1\n3,x,0\n"


def test_fetch_locates_and_verifies_a_local_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "toy.csv").write_bytes(CSV)
    spec = _spec(tmp_path, CSV)
    how = datasets.fetch(spec, tmp_path / "data", tmp_path / "out" / "raw.csv")
    assert how == "located"
    assert (tmp_path / "out" / "raw.csv").read_bytes() == CSV


def test_checksum_mismatch_names_the_file_and_leaves_no_output(tmp_path):
    (tmp_path / "toy.csv").write_bytes(CSV + b"4,z,1\n")
    spec = _spec(tmp_path, CSV)
    dest = tmp_path / "out" / "raw.csv"
    with pytest.raises(ChecksumError, match=r"toy.csv: SHA-256 mismatch .* delete it"):
        datasets.fetch(spec, tmp_path, dest)
    assert not dest.exists()
    assert list((tmp_path / "out").iterdir()) == []  # no temporary left behind


def test_download_from_url_and_zip_member(tmp_path):
    archive = tmp_path / "upstream.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("toy.csv", CSV)
    spec = _spec(tmp_path, CSV, url=archive.as_uri())
    how = datasets.fetch(spec, tmp_path / "empty", tmp_path / "raw.csv")
    assert how == "downloaded"
    assert (tmp_path / "raw.csv").read_bytes() == CSV


def test_corrupted_download_is_rejected(tmp_path):
    (tmp_path / "upstream.csv").write_bytes(CSV.replace(b"x", b"w"))
    spec = _spec(tmp_path, CSV, url=(tmp_path / "upstream.csv").as_uri())
    with pytest.raises(ChecksumError, match="SHA-256 mismatch"):
        datasets.fetch(spec, tmp_path / "empty", tmp_path / "raw.csv")
    assert not (tmp_path / "raw.csv").exists()


def test_missing_file_without_network_says_what_to_do(tmp_path):
    spec = _spec(tmp_path, CSV, url=(tmp_path / "nowhere.csv").as_uri())
    with pytest.raises(DataError, match=r"not in data_dir .* downloading .* failed .* by hand"):
        datasets.fetch(spec, tmp_path / "empty", tmp_path / "raw.csv")
    spec = _spec(tmp_path, CSV)
    with pytest.raises(DataError, match="no url is configured"):
        datasets.fetch(spec, tmp_path / "empty", tmp_path / "raw.csv")


def test_read_raw_rejects_malformed_csv_and_missing_target(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,y\n1,x,0\n2,y,1,extra,fields\n")
    spec = _spec(tmp_path, b"")
    with pytest.raises(DataError, match=r"bad.csv: cannot be read"):
        datasets.read_raw(bad, spec)
    ok = tmp_path / "ok.csv"
    ok.write_bytes(CSV)
    other = datasets.DatasetSpec(name="toy", file="ok.csv", sha256="0" * 64, target="label",
                                 positive="1")
    with pytest.raises(DataError, match=r"target column 'label' .* columns are \['a', 'b', 'y'\]"):
        datasets.read_raw(ok, other)


def test_real_files_match_their_configured_checksums(data_dir, default_config, tmp_path):
    for name, entry in default_config["datasets"].items():
        spec = datasets.DatasetSpec.from_config(name, entry)
        assert datasets.sha256_of(data_dir / spec.file) == spec.sha256
    # a single flipped byte in a copy of the real file is caught
    spec = datasets.DatasetSpec.from_config("stroke", default_config["datasets"]["stroke"])
    shutil.copy(data_dir / spec.file, tmp_path / spec.file)
    with open(tmp_path / spec.file, "r+b") as fh:
        fh.seek(100)
        byte = fh.read(1)
        fh.seek(100)
        fh.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ChecksumError):
        datasets.fetch(spec, tmp_path, tmp_path / "out.csv")


def test_adult_is_read_with_the_configured_options(data_dir, default_config):
    spec = datasets.DatasetSpec.from_config("adult", default_config["datasets"]["adult"])
    raw = datasets.read_raw(data_dir / spec.file, spec)
    assert raw.shape == (32561, 15)
    assert raw["workclass"].isna().sum() == 1836  # "?" is missing
    assert set(raw["income"]) == {"<=50K", ">50K"}
