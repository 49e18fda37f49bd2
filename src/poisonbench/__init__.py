"""poisonbench: are machine-learning classifiers robust against poisoned datasets?"""

__version__ = "0.1.0"
