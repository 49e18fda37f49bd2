# fetch -> preprocess -> profile


localrules:
    fetch,
    profile,


rule fetch:
    """Locate the raw file in data_dir (else download it) and verify its SHA-256."""
    output:
        raw="resources/raw/{dataset}/raw.csv",
    params:
        spec=get_dataset,
    conda:
        "../../envs/core.yaml"
    log:
        "logs/fetch/{dataset}.log",
    script:
        "../../scripts/fetch.py"


rule preprocess:
    """The paper's cleaning; writes the clean table and a report of every change."""
    input:
        raw=rules.fetch.output.raw,
    output:
        clean="results/data/{dataset}/clean.parquet",
        report="results/data/{dataset}/preprocess_report.json",
    params:
        spec=get_dataset,
        options=config.get("preprocess", {}),
        base_seed=config["base_seed"],
    conda:
        "../../envs/core.yaml"
    log:
        "logs/preprocess/{dataset}.log",
    script:
        "../../scripts/preprocess.py"


rule profile:
    """Class counts and the imbalance ratio IR = c_M / c_m (Eq. 1), balanced or not (Eq. 2)."""
    input:
        clean=rules.preprocess.output.clean,
    output:
        profile="results/data/{dataset}/profile.json",
    params:
        spec=get_dataset,
        threshold=config["imbalance"]["threshold"],
    conda:
        "../../envs/core.yaml"
    log:
        "logs/profile/{dataset}.log",
    script:
        "../../scripts/profile.py"
