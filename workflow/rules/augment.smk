# none | ros | smotenc | ctgan: balancing the minority class (named entries of `augmentations:`)


rule train_ctgan:
    """CTGAN-MOS: a CTGAN trained on the minority class of the clean data (paper placement).
    A cached intermediate: re-sampling or any downstream change never retrains it."""
    input:
        clean=rules.preprocess.output.clean,
    output:
        model="results/models/{dataset}/{aug}/ctgan.pkl",
    params:
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
    threads: 1
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=0,
    conda:
        "../../envs/ctgan.yaml"
    log:
        "logs/train_ctgan/{dataset}/{aug}.log",
    benchmark:
        "benchmarks/train_ctgan/{dataset}/{aug}.tsv"
    script:
        "../../scripts/train_ctgan.py"


rule augment:
    """Oversample the minority class of the clean data to the configured IR (none: a copy;
    honest placement: a copy too, the training split is oversampled at fit time)."""
    input:
        clean=rules.preprocess.output.clean,
        model=get_ctgan_model,
    output:
        base="results/data/{dataset}/{aug}/base.parquet",
        report="results/data/{dataset}/{aug}/augment_report.json",
    params:
        augmentation=get_augmentation,
        dataset=get_dataset,
        base_seed=config["base_seed"],
    conda:
        "../../envs/ctgan.yaml"
    log:
        "logs/augment/{dataset}/{aug}.log",
    script:
        "../../scripts/augment.py"


rule fidelity:
    """How far synthetic minority rows are from real ones, and whether a classifier can tell
    them apart (real-vs-synthetic AUC)."""
    input:
        base=rules.augment.output.base,
    output:
        report="results/data/{dataset}/{aug}/fidelity.json",
    params:
        dataset=get_dataset,
        base_seed=config["base_seed"],
    conda:
        "../../envs/core.yaml"
    log:
        "logs/fidelity/{dataset}/{aug}.log",
    script:
        "../../scripts/fidelity.py"
