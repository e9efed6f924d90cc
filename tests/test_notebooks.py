"""The notebooks: stored thin and clean, and each runs top to bottom in a fresh kernel without an error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_CELL_LINES = 15
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A ``python3`` kernel that is this interpreter (the project's .venv), whatever else is installed."""
    kernels = tmp_path_factory.mktemp("jupyter")
    spec = kernels / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (planner)", "language": "python"}))
    return str(kernels)


def test_the_workbook_has_its_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_explore.ipynb", "02_compare.ipynb", "03_export.ipynb",
                                           "04_trainer_demo.ipynb", "05_day_of.ipynb", "06_sweep.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_thin_and_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    assert book.metadata.kernelspec.name == "python3"
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert len(cell.source.splitlines()) <= MAX_CELL_LINES, cell.source
        assert cell.outputs == [] and cell.execution_count is None, "clear outputs before committing"
    assert any(cell.cell_type == "markdown" for cell in book.cells)


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_run_headless(path, kernel_env, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", kernel_env)
    monkeypatch.setenv("PLANNER_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.setenv("PLANNER_SAVED_SCENARIOS", str(tmp_path / "saved"))
    monkeypatch.setenv("PLANNER_SWEEP_SAMPLES", "20")  # 06_sweep: a quick first sweep
    book = nbformat.read(path, as_version=4)
    book.cells.insert(0, nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   allow_errors=False).execute()
    assert book.cells[0].outputs[0]["text"].strip() == sys.executable
    outputs = [o for cell in book.cells[1:] if cell.cell_type == "code" for o in cell.outputs]
    problems = [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert problems == []
    assert any(WIDGET in o.get("data", {}) for o in outputs), "the notebook shows its widgets"
    if path.stem == "05_day_of":
        folder = Path(tmp_path / "exports" / "beijing-2023" / "day-of")
        assert {p.name for p in (folder / "notices").iterdir()} == {"notices.xlsx", "notices.pdf",
                                                                     "notification_list.csv"}
        assert (folder / "plan" / "changes.csv").is_file()
    if path.stem == "03_export":
        folder = Path(tmp_path / "exports" / "beijing-2023")
        assert (folder / "plan" / "plan.xlsx").is_file()
        assert len(list((folder / "duty-sheets").glob("*.pdf"))) == 51
        assert (folder / "team-sheets.pdf").is_file() and (folder / "notification-list.xlsx").is_file()
        assert (folder / "public" / "duty-sheets.pdf").is_file()
