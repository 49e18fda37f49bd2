"""Rule augment: balance one clean dataset with the configured oversampler."""

from poisonbench import augment, io, splits
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    clean = io.read_parquet(smk.input.clean)
    spec = augment.AugmentSpec.from_config(wc.aug, smk.params.augmentation)
    seed = splits.derive_seed(smk.params.base_seed, "augment", wc.dataset, wc.aug)
    model = augment.load_ctgan(smk.input.model, spec.device) if smk.input.model else None
    base, report = augment.augment_dataset(clean, smk.params.dataset["target"],
                                           str(smk.params.dataset["positive"]), spec, seed,
                                           model)
    io.write_parquet(base, smk.output.base)
    io.write_json(report, smk.output.report)


run(snakemake, main)  # noqa: F821
