"""Rule paper_comparison: each number the paper reports beside ours."""

import pandas as pd

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    found = {name: pd.read_csv(path)
             for name, path in zip(smk.params.names, smk.input.tables, strict=True)}
    ours = tables.paper_cells(**{f"t{name.removeprefix('table')}": df
                                 for name, df in found.items()})
    cmp = tables.compare(ours, pd.read_csv(smk.input.reported, dtype={"column": str}))
    io.write_text(tables.to_csv_text(cmp), smk.output.csv)
    io.write_text(tables.frame_markdown(cmp, "The paper's numbers beside ours"),
                  smk.output.md)


run(snakemake, main)  # noqa: F821
