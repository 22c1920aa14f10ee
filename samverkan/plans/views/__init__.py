"""The pages of action plans, follow-up, the yearly compilation and joint
communication."""
