# tables, figures and the comparison with the paper's reported numbers


# cheap aggregates: run on the submit host, never queued on a cluster
localrules:
    table,
    table1,
    problem1,
    paper_comparison,
    ablation,
    figure,
    rulegraph,


rule table:
    """One of the paper's Tables 2-7 from its experiment's run records (CSV, Markdown, LaTeX)."""
    input:
        records=get_table_records,
    output:
        csv="results/tables/{table}.csv",
        md=report(
            "results/tables/{table}.md",
            category="Tables",
            subcategory="{table}",
            caption="../report/table.rst",
        ),
        tex="results/tables/{table}.tex",
    params:
        variants=config["variants"],
    wildcard_constraints:
        table="table[2-7]",
    conda:
        "../../envs/report.yaml"
    log:
        "logs/report/{table}.log",
    script:
        "../../scripts/table.py"


rule paper_comparison:
    """Every cell the paper reports that the run produced, ours beside it."""
    input:
        tables=get_paper_tables,
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
    params:
        names=get_paper_table_names,
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


rule figure:
    """One figure (PNG for the report, PDF for papers)."""
    input:
        unpack(get_figure_inputs),
    output:
        png=report(
            "results/figures/{figure}.png",
            category="Figures",
            caption="../report/figure.rst",
        ),
        pdf="results/figures/{figure}.pdf",
    params:
        variants=config["variants"],
    wildcard_constraints:
        figure="|".join(FIGURES),
    conda:
        "../../envs/report.yaml"
    log:
        "logs/figure/{figure}.log",
    script:
        "../../scripts/figure.py"


rule rulegraph:
    """The workflow's rule graph, drawn from `snakemake --rulegraph`."""
    output:
        dot="results/figures/rulegraph.dot",
        png=report(
            "results/figures/rulegraph.png",
            category="Workflow",
            caption="../report/rulegraph.rst",
        ),
        pdf="results/figures/rulegraph.pdf",
    conda:
        "../../envs/report.yaml"
    log:
        "logs/figure/rulegraph.log",
    script:
        "../../scripts/rulegraph.py"
