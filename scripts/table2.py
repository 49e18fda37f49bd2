"""Rule table2: Table 2 from the per-run records."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    records = tables.load_records(smk.input.records, smk.params.variants)
    t2 = tables.table2(records, smk.params.variants)
    io.write_text(tables.to_csv_text(t2), smk.output.csv)
    io.write_text(tables.table2_markdown(t2, smk.params.variants), smk.output.md)


run(snakemake, main)  # noqa: F821
