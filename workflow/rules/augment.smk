# none | ros | smotenc | ctgan: balancing the minority class (named entries of `augmentations:`)


rule augment:
    """Oversample the minority class of the clean data to the configured IR (none: a copy)."""
    input:
        clean=rules.preprocess.output.clean,
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
