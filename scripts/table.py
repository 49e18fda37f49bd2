"""Rule table: one of the paper's Tables 2-7 from its experiment's run records."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    records = tables.load_records(smk.input.records, smk.params.variants)
    df, md, tex = tables.render(smk.wildcards.table, records, smk.params.variants)
    io.write_text(tables.to_csv_text(df), smk.output.csv)
    io.write_text(md, smk.output.md)
    io.write_text(tex, smk.output.tex)


run(snakemake, main)  # noqa: F821
