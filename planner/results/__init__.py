"""Results: the model's optimum as the plan's tables, its summary and the figures people read first."""
