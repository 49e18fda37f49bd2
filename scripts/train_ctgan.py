"""Rule train_ctgan: train CTGAN on the minority class of one clean dataset."""

from poisonbench import augment, io, splits
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    spec = augment.AugmentSpec.from_config(wc.aug, smk.params.augmentation)
    clean = io.read_parquet(smk.input.clean)
    seed = splits.derive_seed(smk.params.base_seed, "ctgan", wc.dataset, wc.aug)
    model = augment.fit_minority_ctgan(clean, smk.params.dataset["target"],
                                       str(smk.params.dataset["positive"]), spec, seed)
    augment.save_ctgan(model, smk.output.model)


run(snakemake, main)  # noqa: F821
