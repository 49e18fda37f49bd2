"""Rule fetch: locate or download one raw dataset and verify its checksum."""

from poisonbench import datasets
from poisonbench.scripting import run


def main(smk):
    spec = datasets.DatasetSpec.from_config(smk.wildcards.dataset, smk.params.spec)
    datasets.fetch(spec, smk.config["data_dir"], smk.output.raw)


run(snakemake, main)  # noqa: F821
