"""Rule figure: one figure from records, tables or pattern files."""

from poisonbench import figures
from poisonbench.scripting import run


def main(smk):
    fig = figures.render(smk.wildcards.figure, dict(smk.input.items()), smk.params.variants)
    figures.save(fig, smk.output.png, smk.output.pdf)


run(snakemake, main)  # noqa: F821
