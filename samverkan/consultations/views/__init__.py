"""The pages of the revision lifecycle, one module per step: rounds,
statements, minutes and outcomes, drafts, and the comparison of versions."""
