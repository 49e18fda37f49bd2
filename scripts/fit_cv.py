"""Rule fit_cv: stratified k-fold cross-validation of one classifier on one dataset variant."""

from poisonbench import augment, evaluate, io, models
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    ds = smk.params.dataset
    variant = evaluate.load_variant(smk.input.data, smk.input.provenance, smk.input.clean,
                                    ds["target"], ds["positive"])
    aug = augment.AugmentSpec.from_config(wc.aug, smk.params.augmentation)
    record = evaluate.run_cv(
        variant.data, variant.features, models.ClassifierSpec.from_config(wc.clf,
                                                                          smk.params.classifier),
        evaluate.RunKey(wc.dataset, wc.aug, wc.poison, wc.clf), folds=int(wc.folds),
        base_seed=smk.params.base_seed, n_jobs=smk.threads, options=variant.options,
        reference=variant.reference,
        # honest CTGAN placement: one generator per fold, trained on that fold's training rows
        oversampler=evaluate.honest_oversampler(aug, ds["target"], ds["positive"]))
    io.write_json(record, smk.output.record)


run(snakemake, main)  # noqa: F821
