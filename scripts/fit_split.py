"""Rule fit_split: fit and score one classifier on one random split of one dataset variant."""

from poisonbench import evaluate, io, models
from poisonbench.features import FeatureSpec
from poisonbench.scripting import run


def main(smk):
    wc = smk.wildcards
    data = io.read_parquet(smk.input.data)
    features = FeatureSpec.from_frame(data, smk.params.dataset["target"],
                                      smk.params.dataset["positive"])
    clf = models.ClassifierSpec.from_config(wc.clf, smk.params.classifier)
    record = evaluate.run_split(
        data, features, clf, evaluate.RunKey(wc.dataset, wc.aug, wc.poison, wc.clf),
        seed=int(wc.seed), base_seed=smk.params.base_seed,
        fraction_range=tuple(smk.params.train_fraction), n_jobs=smk.threads)
    io.write_json(record, smk.output.record)


run(snakemake, main)  # noqa: F821
