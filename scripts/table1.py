"""Rule table1: Table 1 quantified from each dataset's patterns."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    found = {ds: io.read_json(p)["table1"]
             for ds, p in zip(smk.params.datasets, smk.input.patterns, strict=True)}
    t1 = tables.table1(found)
    io.write_text(tables.to_csv_text(t1), smk.output.csv)
    io.write_text(tables.frame_markdown(t1, "Table 1 quantified: real (D) vs poisoned (D')"),
                  smk.output.md)


run(snakemake, main)  # noqa: F821
