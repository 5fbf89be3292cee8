#!/usr/bin/env python3
"""Anchor for the documents suite: the same item table rendered to PDF by reportlab.

Reads the table rows as CSV on stdin (no header: no, code, type, make, model, calibre,
serial), renders them as one A4 table with a repeated header row in the same DejaVu Sans
font the Custody documents embed (assets/fonts), and prints one JSON object:
{"rows", "ms", "bytes"}. The time covers building and writing the PDF to memory, not reading
stdin or registering the font, to match the Rust side which renders from rows in memory.
Needs: pip install reportlab
"""
import csv
import io
import json
import os
import sys
import time

try:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle
except ImportError as e:  # reported as JSON so the Rust side can print "anchor": null
    print(json.dumps({"error": f"{e}; install with: pip install reportlab"}))
    sys.exit(0)

FONTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "fonts")


def main():
    rows = [r for r in csv.reader(io.StringIO(sys.stdin.read())) if r]
    pdfmetrics.registerFont(TTFont("DejaVuSans", os.path.join(FONTS, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", os.path.join(FONTS, "DejaVuSans-Bold.ttf")))
    header = ["No.", "Custody code", "Type", "Make", "Model", "Calibre", "Serial"]
    start = time.perf_counter()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)
    table = LongTable([header] + rows, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8),
        ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]))
    doc.build([table])
    ms = (time.perf_counter() - start) * 1000.0
    print(json.dumps({"rows": len(rows), "ms": ms, "bytes": len(out.getvalue())}), flush=True)


if __name__ == "__main__":
    main()
