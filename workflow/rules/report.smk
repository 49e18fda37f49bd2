# tables, figures and the comparison with the paper's reported numbers


rule table2:
    """Table 2: accuracy (and balanced accuracy, MCC) per dataset, classifier and variant."""
    input:
        records=get_run_records,
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
        records=get_run_records,
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
