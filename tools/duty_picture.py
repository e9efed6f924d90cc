"""Render docs/duty-sheet.png: the duty sheet of demo-named's point dc-2, as README and docs/workbook.md show it.

    .venv/bin/python tools/duty_picture.py          # needs pypdfium2 (pip install -e '.[dev]')

The page is drawn by the planner itself (planner.exports.duty) and rasterised by PDFium, so the
picture is what a printer gets.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import pypdfium2 as pdfium

    from planner import load_scenario, solve
    from planner.exports.duty import duty_sheets_pdf

    plan = solve(load_scenario(ROOT / "scenarios" / "demo-named"))
    page = pdfium.PdfDocument(duty_sheets_pdf(plan, ["dc-2"]))[0]
    from PIL import ImageChops, ImageOps

    image = page.render(scale=1.5).to_pil().convert("RGB")
    box = ImageChops.difference(image, ImageOps.invert(ImageOps.invert(image).point(lambda _: 0))).getbbox()
    width, _ = image.size
    if box is not None:  # the sheet fills the top of the page: keep it, and a margin below
        image = image.crop((0, 0, width, min(image.size[1], box[3] + 40)))
    image.save(ROOT / "docs" / "duty-sheet.png", optimize=True)


if __name__ == "__main__":
    main()
