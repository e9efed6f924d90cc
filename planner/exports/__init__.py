"""Exports: the plan as files people and machines act on (xlsx, CSV and JSON, PDF duty sheets, charts)."""
