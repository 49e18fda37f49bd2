"""Rule train_ctgan_split: CTGAN on the minority rows of one seed's training split (honest)."""

from poisonbench import augment, evaluate, splits
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    ds = smk.params.dataset
    variant = evaluate.load_variant(smk.input.data, smk.input.provenance, smk.input.clean,
                                    ds["target"], ds["positive"])
    key = evaluate.RunKey(wc.dataset, wc.aug, wc.poison, "ctgan")
    train, _, _, _ = evaluate.split_rows(variant.data, variant.features, key, int(wc.seed),
                                         smk.params.base_seed, tuple(smk.params.train_fraction),
                                         variant.options)
    spec = augment.AugmentSpec.from_config(wc.aug, smk.params.augmentation)
    seed = splits.derive_seed(smk.params.base_seed, "ctgan", wc.dataset, wc.aug, wc.poison,
                              int(wc.seed))
    model = augment.fit_minority_ctgan(variant.data.iloc[train], ds["target"],
                                       str(ds["positive"]), spec, seed)
    augment.save_ctgan(model, smk.output.model)


run(snakemake, main)  # noqa: F821
