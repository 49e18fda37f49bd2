"""Rule fidelity: real vs synthetic minority rows of one augmented dataset."""

from poisonbench import fidelity, io, splits
from poisonbench.imbalance import profile
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    base = io.read_parquet(smk.input.base)
    target = smk.params.dataset["target"]
    minority = profile(base[target][base["_origin"] >= 0], threshold=1.0)["minority"]
    seed = splits.derive_seed(smk.params.base_seed, "fidelity", wc.dataset, wc.aug)
    report = fidelity.fidelity_from_augmented(base, target, minority, seed)
    io.write_json(report, smk.output.report)


run(snakemake, main)  # noqa: F821
