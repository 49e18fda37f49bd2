"""Rule rulegraph: the workflow's rule graph as DOT, PNG and PDF."""

from pathlib import Path

from poisonbench import figures, io
from poisonbench.scripting import run


def main(smk):
    snakefile = Path(smk.scriptdir).parent / "Snakefile"
    dot = figures.snakemake_rulegraph(str(snakefile), dict(smk.config), str(Path.cwd()))
    io.write_text(dot, smk.output.dot)
    figures.save(figures.rulegraph(dot), smk.output.png, smk.output.pdf)


run(snakemake, main)  # noqa: F821
