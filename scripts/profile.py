"""Rule profile: class counts, IR and the balanced/imbalanced decision of one clean dataset."""

from poisonbench import imbalance, io
from poisonbench.scripting import run


def main(smk):
    clean = io.read_parquet(smk.input.clean)
    target = smk.params.spec["target"]
    prof = imbalance.profile(clean[target], smk.params.threshold)
    prof.update(dataset=smk.wildcards.dataset, rows=len(clean),
                predictors=len(clean.columns) - 2)  # minus target and _origin
    io.write_json(prof, smk.output.profile)


run(snakemake, main)  # noqa: F821
