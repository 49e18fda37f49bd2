# tables, figures and the comparison with the paper's reported numbers


rule table2:
    """Table 2: accuracy (and balanced accuracy, MCC) per dataset, classifier and variant."""
    input:
        records=get_experiment_records("setting1"),
    output:
        csv="results/tables/table2.csv",
        md=report(
            "results/tables/table2.md",
            category="Setting I",
            caption="../report/table2.rst",
        ),
    params:
        variants=config["variants"],
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/table2.log",
    script:
        "../../scripts/table2.py"


rule table3:
    """Table 3: records and train/test sizes per dataset and variant."""
    input:
        records=get_experiment_records("setting1"),
    output:
        csv="results/tables/table3.csv",
        md=report(
            "results/tables/table3.md",
            category="Setting I",
            caption="../report/table3.rst",
        ),
    params:
        variants=config["variants"],
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/table3.log",
    script:
        "../../scripts/table3.py"


rule paper_comparison:
    """Every cell the paper reports that the grid produced, ours beside it."""
    input:
        table2=rules.table2.output.csv,
        table3=rules.table3.output.csv,
        reported="resources/paper/reported_tables.csv",
    output:
        csv="results/tables/paper_comparison.csv",
        md=report(
            "results/tables/paper_comparison.md",
            category="Paper comparison",
            caption="../report/paper_comparison.rst",
        ),
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/paper_comparison.log",
    script:
        "../../scripts/paper_comparison.py"


rule table1:
    """Table 1 quantified: ten patterns of real vs poisoned data beside the paper's directions."""
    input:
        patterns=get_table1_patterns,
    output:
        csv="results/tables/table1.csv",
        md=report(
            "results/tables/table1.md",
            category="Poisoning",
            caption="../report/table1.rst",
        ),
    params:
        datasets=get_table1_datasets,
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/table1.log",
    script:
        "../../scripts/table1.py"


rule problem1:
    """Problem 1 measured: D ⊆ D', D' ~ D, and acc(D') vs acc(D) (also on clean rows)."""
    input:
        patterns=get_table1_patterns,
        records=get_experiment_records("setting1"),
    output:
        csv="results/tables/problem1.csv",
        md=report(
            "results/tables/problem1.md",
            category="Poisoning",
            caption="../report/problem1.rst",
        ),
    params:
        datasets=get_table1_datasets,
        variants=config["variants"],
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/problem1.log",
    script:
        "../../scripts/problem1.py"


rule ablation:
    """Per-operator ablation: accuracy on poisoned and on clean test rows, deltas from none."""
    input:
        records=get_experiment_records("ablation"),
    output:
        csv="results/tables/ablation.csv",
        md=report(
            "results/tables/ablation.md",
            category="Poisoning",
            caption="../report/ablation.rst",
        ),
    params:
        variants=config["variants"],
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/ablation.log",
    script:
        "../../scripts/ablation.py"
