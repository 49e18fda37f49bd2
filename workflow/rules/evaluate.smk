# fit -> score: one job per (dataset, aug, poison, clf, seed), one per k-fold CV, one per
# (data size, seed) of Setting II


rule train_ctgan_split:
    """Honest placement: CTGAN trained on the minority rows of one seed's training split only
    (cached, so refitting a classifier never retrains it)."""
    input:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
        clean=rules.preprocess.output.clean,
    output:
        model="results/models/{dataset}/{aug}/{poison}/ctgan_seed{seed}.pkl",
    params:
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
        train_fraction=config["splits"]["train_fraction"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=0,
    conda:
        "../../envs/ctgan.yaml"
    log:
        "logs/train_ctgan_split/{dataset}/{aug}/{poison}/seed{seed}.log",
    benchmark:
        "benchmarks/train_ctgan_split/{dataset}/{aug}/{poison}/seed{seed}.tsv"
    script:
        "../../scripts/train_ctgan_split.py"


rule fit_split:
    """One random split (train share drawn in the configured range), one fitted model; scored on
    the variant's test rows and on clean rows the model never saw."""
    input:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
        clean=rules.preprocess.output.clean,
        model=get_split_model,
    output:
        record="results/runs/{dataset}/{aug}/{poison}/{clf}/seed{seed}.json",
    params:
        classifier=get_classifier,
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
        train_fraction=config["splits"]["train_fraction"],
        size_pct=100,
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/ctgan.yaml"
    log:
        "logs/fit_split/{dataset}/{aug}/{poison}/{clf}/seed{seed}.log",
    benchmark:
        "benchmarks/fit_split/{dataset}/{aug}/{poison}/{clf}/seed{seed}.tsv"
    script:
        "../../scripts/fit_split.py"


use rule fit_split as fit_size with:
    output:
        record="results/runs/{dataset}/{aug}/{poison}/{clf}/size{pct}/seed{seed}.json",
    params:
        classifier=get_classifier,
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
        train_fraction=config["splits"]["train_fraction"],
        size_pct=get_size_pct,
    log:
        "logs/fit_size/{dataset}/{aug}/{poison}/{clf}/size{pct}/seed{seed}.log",
    benchmark:
        "benchmarks/fit_size/{dataset}/{aug}/{poison}/{clf}/size{pct}/seed{seed}.tsv"


rule fit_cv:
    """Stratified k-fold cross-validation: k fitted models, one record."""
    input:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
        clean=rules.preprocess.output.clean,
    output:
        record="results/runs/{dataset}/{aug}/{poison}/{clf}/cv{folds}.json",
    params:
        classifier=get_classifier,
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
    threads: 2
    resources:
        mem_mb=4000,
        runtime=240,
    conda:
        "../../envs/ctgan.yaml"
    log:
        "logs/fit_cv/{dataset}/{aug}/{poison}/{clf}/cv{folds}.log",
    benchmark:
        "benchmarks/fit_cv/{dataset}/{aug}/{poison}/{clf}/cv{folds}.tsv"
    script:
        "../../scripts/fit_cv.py"
