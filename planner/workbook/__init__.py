"""The workbook: the notebooks' widgets (explorer, comparison, exports, the trainer's demo)."""
