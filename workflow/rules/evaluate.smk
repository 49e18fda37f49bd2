# fit -> score, one job per (dataset, aug, poison, clf, seed) and one per k-fold CV


rule fit_split:
    """One random stratified split (train share drawn in the configured range), one fitted model."""
    input:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
    output:
        record="results/runs/{dataset}/{aug}/{poison}/{clf}/seed{seed}.json",
    params:
        classifier=get_classifier,
        dataset=get_dataset,
        base_seed=config["base_seed"],
        train_fraction=config["splits"]["train_fraction"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/core.yaml"
    log:
        "logs/fit_split/{dataset}/{aug}/{poison}/{clf}/seed{seed}.log",
    benchmark:
        "benchmarks/fit_split/{dataset}/{aug}/{poison}/{clf}/seed{seed}.tsv"
    script:
        "../../scripts/fit_split.py"


rule fit_cv:
    """Stratified k-fold cross-validation: k fitted models, one record."""
    input:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
    output:
        record="results/runs/{dataset}/{aug}/{poison}/{clf}/cv{folds}.json",
    params:
        classifier=get_classifier,
        dataset=get_dataset,
        base_seed=config["base_seed"],
    threads: 2
    resources:
        mem_mb=4000,
        runtime=240,
    conda:
        "../../envs/core.yaml"
    log:
        "logs/fit_cv/{dataset}/{aug}/{poison}/{clf}/cv{folds}.log",
    benchmark:
        "benchmarks/fit_cv/{dataset}/{aug}/{poison}/{clf}/cv{folds}.tsv"
    script:
        "../../scripts/fit_cv.py"
