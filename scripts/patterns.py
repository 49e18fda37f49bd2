"""Rule patterns: Table 1's ten patterns on D and D', and Problem 1 (a)-(b)."""

from poisonbench import io, patterns
from poisonbench.scripting import run


def main(smk):
    ds = smk.params.dataset
    real = io.read_parquet(smk.input.real)
    poisoned = io.read_parquet(smk.input.data)
    provenance = io.read_json(smk.input.provenance)
    out = {
        "table1": patterns.table1_patterns(real, poisoned, ds["target"], str(ds["positive"]),
                                           provenance),
        "problem1": patterns.problem1(real, poisoned, ds["target"], provenance),
    }
    io.write_json(out, smk.output.patterns)


run(snakemake, main)  # noqa: F821
