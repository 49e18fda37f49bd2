# poisonbench: are machine-learning classifiers robust against poisoned datasets?
# `snakemake --cores all` builds every table of the configured grid; see README.md.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/augment.smk"
include: "workflow/rules/poison.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        get_all_targets(),
    default_target: True
