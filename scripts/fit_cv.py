"""Rule fit_cv: stratified k-fold cross-validation of one classifier on one dataset variant."""

from poisonbench import evaluate, io, models
from poisonbench.features import FeatureSpec
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    data = io.read_parquet(smk.input.data)
    features = FeatureSpec.from_frame(data, smk.params.dataset["target"],
                                      smk.params.dataset["positive"])
    clf = models.ClassifierSpec.from_config(wc.clf, smk.params.classifier)
    record = evaluate.run_cv(
        data, features, clf, evaluate.RunKey(wc.dataset, wc.aug, wc.poison, wc.clf),
        folds=int(wc.folds), base_seed=smk.params.base_seed, n_jobs=smk.threads)
    io.write_json(record, smk.output.record)


run(snakemake, main)  # noqa: F821
