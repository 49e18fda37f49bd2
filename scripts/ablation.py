"""Rule ablation: what each poisoning operator alone does to the accuracies."""

from poisonbench import io, tables
from poisonbench.scripting import run


def main(smk):
    records = tables.load_records(smk.input.records, smk.params.variants)
    abl = tables.ablation(records)
    io.write_text(tables.to_csv_text(abl), smk.output.csv)
    io.write_text(tables.frame_markdown(abl, "Ablation: one operator at a time (% and deltas "
                                             "from the clean baseline, mean over seeds)"),
                  smk.output.md)


run(snakemake, main)  # noqa: F821
