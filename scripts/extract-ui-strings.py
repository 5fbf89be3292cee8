#!/usr/bin/env python3
"""Lists every @tr("...") msgid in ui/*.slint, in first-seen order, one JSON string a line.

Stands in for slint-tr-extractor (not installed on the kiosk build machines). The kiosk is
compiled with DefaultTranslationContext::None, so msgids carry no context.
"""
import json, pathlib, re, sys
root = pathlib.Path(__file__).resolve().parent.parent / "ui"
pattern = re.compile(r'@tr\(\s*"((?:[^"\\]|\\.)*)"')
seen = []
for f in sorted(root.glob("*.slint")):
    for m in pattern.finditer(f.read_text(encoding="utf-8")):
        s = m.group(1).encode().decode("unicode_escape") if "\\" in m.group(1) else m.group(1)
        if s not in seen:
            seen.append(s)
for s in seen:
    sys.stdout.write(json.dumps(s, ensure_ascii=False) + "\n")
