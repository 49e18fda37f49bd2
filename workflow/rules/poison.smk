# named recipes of poisoning operators (entries of `poisonings:`); `none` is the empty recipe


rule poison:
    """Apply one recipe to one (augmented) dataset; write D' and its provenance."""
    input:
        base=rules.augment.output.base,
    output:
        data="results/data/{dataset}/{aug}/{poison}/data.parquet",
        provenance="results/data/{dataset}/{aug}/{poison}/provenance.json",
    params:
        recipe=get_recipe,
        dataset=get_dataset,
        base_seed=config["base_seed"],
    conda:
        "../../envs/core.yaml"
    log:
        "logs/poison/{dataset}/{aug}/{poison}.log",
    script:
        "../../scripts/poison.py"


rule patterns:
    """Table 1 quantified (ten patterns on D and D') and Problem 1 (a), (b) for one variant."""
    input:
        real=rules.augment.output.base,
        data=rules.poison.output.data,
        provenance=rules.poison.output.provenance,
    output:
        patterns="results/data/{dataset}/{aug}/{poison}/patterns.json",
    params:
        dataset=get_dataset,
    conda:
        "../../envs/core.yaml"
    log:
        "logs/patterns/{dataset}/{aug}/{poison}.log",
    script:
        "../../scripts/patterns.py"
