"""Rule poison: apply one named recipe of poisoning operators to one dataset."""

from poisonbench import io, poison, splits
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    base = io.read_parquet(smk.input.base)
    seed = splits.derive_seed(smk.params.base_seed, "poison", wc.dataset, wc.aug, wc.poison)
    data, provenance = poison.apply_recipe(base, smk.params.dataset["target"],
                                           str(smk.params.dataset["positive"]),
                                           smk.params.recipe["steps"], seed)
    io.write_parquet(data, smk.output.data)
    io.write_json(provenance, smk.output.provenance, indent=None)  # large: row lists


run(snakemake, main)  # noqa: F821
