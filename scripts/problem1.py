"""Rule problem1: the paper's Problem 1, measured."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    found = {ds: io.read_json(p)["problem1"]
             for ds, p in zip(smk.params.datasets, smk.input.patterns, strict=True)}
    records = tables.load_records(smk.input.records, smk.params.variants)
    p1 = tables.problem1(found, records, smk.params.variants)
    io.write_text(tables.to_csv_text(p1), smk.output.csv)
    io.write_text(tables.frame_markdown(p1, "Problem 1: (a) D ⊆ D', (b) D' ~ D, "
                                            "(c) acc(D') > acc(D)?"), smk.output.md)


run(snakemake, main)  # noqa: F821
