#!/usr/bin/env python3
"""Kiosk translations helper.

  translations.py check      lists msgids used in ui/*.slint that a catalogue lacks

Serbian Cyrillic (sr) has no file: the kiosk's build, the documents and the registry derive it
from sr@latin with the one transliteration in crates/i18n/src/serbian.rs. The full check of
every catalogue (plural forms, placeholders, stale entries) is `cargo test -p custody-kiosk
--test translations`; see docs/translating.md.
"""
import json, pathlib, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TR = ROOT / "ui" / "translations"
DOMAIN = "custody-kiosk.po"


def check():
    used = [json.loads(l) for l in subprocess.check_output(
        [sys.executable, str(ROOT / "scripts" / "extract-ui-strings.py")], text=True).splitlines()]
    bad = 0
    for po in sorted(TR.glob("*/LC_MESSAGES/" + DOMAIN)):
        text = po.read_text(encoding="utf-8")
        missing = [u for u in used if "msgid " + json.dumps(u, ensure_ascii=False) not in text]
        print(f"{po.parent.parent.name}: {len(used) - len(missing)}/{len(used)} translated")
        for u in missing:
            print(f"  missing: {u}")
        bad += len(missing)
    return bad


if __name__ == "__main__":
    sys.exit(1 if check() else 0)
