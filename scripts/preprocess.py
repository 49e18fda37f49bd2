"""Rule preprocess: the paper's cleaning of one raw dataset."""

from poisonbench import datasets, io, preprocess
from poisonbench.scripting import run


def main(smk):
    spec = datasets.DatasetSpec.from_config(smk.wildcards.dataset, smk.params.spec)
    raw = datasets.read_raw(smk.input.raw, spec)
    clean, report = preprocess.preprocess(
        raw, spec, preprocess.CleaningOptions.from_config(smk.params.options),
        seed=smk.params.base_seed)
    io.write_parquet(clean, smk.output.clean)
    io.write_json(report, smk.output.report)


run(snakemake, main)  # noqa: F821
