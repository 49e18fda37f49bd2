"""Rule table3: Table 3 (data sizes) from the per-run records."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    records = tables.load_records(smk.input.records, smk.params.variants)
    t3 = tables.table3(records, smk.params.variants)
    io.write_text(tables.to_csv_text(t3), smk.output.csv)
    io.write_text(tables.frame_markdown(t3, "Table 3: records, train and test sizes "
                                            "(mean over split seeds)"), smk.output.md)


run(snakemake, main)  # noqa: F821
