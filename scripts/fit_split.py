"""Rules fit_split / fit_size: fit and score one classifier on one random split."""

from poisonbench import augment, evaluate, io, models
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    ds = smk.params.dataset
    variant = evaluate.load_variant(smk.input.data, smk.input.provenance, smk.input.clean,
                                    ds["target"], ds["positive"])
    aug = augment.AugmentSpec.from_config(wc.aug, smk.params.augmentation)
    model = augment.load_ctgan(smk.input.model, aug.device) if smk.input.model else None
    record = evaluate.run_split(
        variant.data, variant.features, models.ClassifierSpec.from_config(wc.clf,
                                                                          smk.params.classifier),
        evaluate.RunKey(wc.dataset, wc.aug, wc.poison, wc.clf), seed=int(wc.seed),
        base_seed=smk.params.base_seed, fraction_range=tuple(smk.params.train_fraction),
        n_jobs=smk.threads, options=variant.options, reference=variant.reference,
        oversampler=evaluate.honest_oversampler(aug, ds["target"], ds["positive"], model),
        size_pct=smk.params.size_pct)
    io.write_json(record, smk.output.record)


run(snakemake, main)  # noqa: F821
