#!/usr/bin/env python3
"""Kiosk translations helper.

  translations.py check      lists msgids used in ui/*.slint that a catalogue lacks
  translations.py cyrillic   writes ui/translations/sr (Serbian Cyrillic) from sr@latin, for the
                             kiosk's catalogue and the registry web pages' (custody-registry-web.po)

Serbian Latin and Cyrillic map one to one, so sr is generated, never edited by hand.
Product names, options and placeholders are kept as they are.
"""
import pathlib, re, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TR = ROOT / "ui" / "translations"
DOMAIN = "custody-kiosk.po"
# Kept in Latin: placeholders, options, the product name, DEMO, USB, the PDF and ZPL formats,
# model names such as HS-40, paths, and the scanned command label "done".
KEEP = re.compile(r"(\{\}|--[a-z-]+|Custody|DEMO|USB|PDF|ZPL|[A-Z]{2}-\d+|/[\w./-]+|\bdone\b)")
PAIRS = [("dž", "џ"), ("Dž", "Џ"), ("DŽ", "Џ"), ("lj", "љ"), ("Lj", "Љ"), ("LJ", "Љ"),
         ("nj", "њ"), ("Nj", "Њ"), ("NJ", "Њ")]
# The registry web pages also keep commands, CSV and ID in Latin.
KEEP_WEB = re.compile(r"(\{\}|custody-registry user add NAME --role inspector\|administrator|"
                      r"custody verify-document|Custody|PDF|CSV|ID)")
SINGLE = dict(zip("abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
                  "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ"))


def to_cyrillic(text, keep=KEEP):
    out = []
    for i, part in enumerate(keep.split(text)):
        if i % 2 == 1:
            out.append(part)
            continue
        for a, b in PAIRS:
            part = part.replace(a, b)
        out.append("".join(SINGLE.get(c, c) for c in part))
    return "".join(out)


def cyrillic():
    for domain, keep in ((DOMAIN, KEEP), ("custody-registry-web.po", KEEP_WEB)):
        src = (TR / "sr@latin" / "LC_MESSAGES" / domain).read_text(encoding="utf-8")
        lines = []
        for line in src.splitlines():
            if line.startswith("msgstr "):
                line = "msgstr " + to_cyrillic(line[len("msgstr "):], keep)
            elif line.startswith('"Language: '):
                line = '"Language: sr\\n"'
            lines.append(line)
        dst = TR / "sr" / "LC_MESSAGES" / domain
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check():
    import json
    used = [json.loads(l) for l in subprocess.check_output(
        [sys.executable, str(ROOT / "scripts" / "extract-ui-strings.py")], text=True).splitlines()]
    bad = 0
    for po in sorted(TR.glob("*/LC_MESSAGES/" + DOMAIN)):
        text = po.read_text(encoding="utf-8")
        missing = [u for u in used if "msgid " + json.dumps(u, ensure_ascii=False) not in text]
        print(f"{po.parent.parent.name}: {len(used) - len(missing)}/{len(used)} translated")
        bad += len(missing)
    return bad


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "cyrillic":
        cyrillic()
    else:
        check()
