#!/usr/bin/env python3
"""Anchor for the custody-codes decode benchmark: zxing-cpp on the same image files.

Reads one image path per line on stdin, decodes each with zxing-cpp (all formats), and
prints one JSON object per image: {"path", "ms", "texts"}. The time covers decoding only,
not loading the file, to match the Rust side which decodes an in-memory buffer.
Needs: pip install zxing-cpp pillow
"""
import json
import sys
import time

try:
    import zxingcpp
    from PIL import Image
except ImportError as e:  # reported as JSON so the Rust side can print "anchor": null
    print(json.dumps({"error": f"{e}; install with: pip install zxing-cpp pillow"}))
    sys.exit(0)

for line in sys.stdin:
    path = line.strip()
    if not path:
        continue
    img = Image.open(path).convert("L")
    img.load()
    start = time.perf_counter()
    results = zxingcpp.read_barcodes(img, try_rotate=True, try_downscale=True)
    ms = (time.perf_counter() - start) * 1000.0
    texts = [r.text for r in results]
    print(json.dumps({"path": path, "ms": ms, "texts": texts}), flush=True)
