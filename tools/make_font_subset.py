#!/usr/bin/env python3
"""Cut the bundled Chinese chart fonts ``cslab/fonts/NotoSansSC-Subset[-Bold].otf``.

The course's charts need a CJK font that works on a pip-only install (no system fonts).
This script takes Noto Sans CJK SC Regular and Bold (SIL OFL 1.1) from the Debian package
``fonts-noto-cjk`` (``/usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc``; the SC
face is picked from each collection by its family name) and keeps only what charts need:

* every character encodable in GB2312 (6763 hanzi, kana, Greek, Cyrillic, ①–⑩, ㈠ …),
* ASCII and Latin-1, general / CJK / full-width punctuation, arrows, enclosed numbers,
  letterlike and currency symbols, geometric shapes, a few unit signs (㎡ ㎏ …),
* a short list of common modern characters outside GB2312 (啰 囧 堃 喆 …),
* optionally every CJK character found in text files under ``--scan`` folders.

Hinting, vertical metrics (``vhea``/``vmtx``/``VORG``) and ``BASE`` are dropped; outlines
stay CFF (subroutinised). Only the OpenType features that HarfBuzz applies by default to
horizontal text are kept (matplotlib >= 3.11 shapes text with libraqm/HarfBuzz); ``locl``
(JP/KR/TC glyph variants), ``palt``/``halt`` and width variants are dropped. The family is
renamed ``Noto Sans SC Subset cslab`` so it never clashes with a system-installed Noto font,
and the name table says it is a Modified Version (SIL OFL 1.1). Noto CJK declares no Reserved
Font Name in its own licence; the new name also avoids Adobe's "Source" in any case.

Run from the repository root (needs ``fonttools``: ``pip install -e .[dev]``)::

    .venv/bin/python tools/make_font_subset.py

The output is byte-for-byte deterministic for a given source font, fontTools version and
character set.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
SOURCE_FAMILY = "Noto Sans CJK SC"
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "cslab" / "fonts"

FAMILY = "Noto Sans SC Subset cslab"
#: style -> (source collection, output file); Regular is the one charts use, Bold for titles
#: and ``fontweight="bold"``.
FACES = {
    "Regular": ("NotoSansCJK-Regular.ttc", "NotoSansSC-Subset.otf"),
    "Bold": ("NotoSansCJK-Bold.ttc", "NotoSansSC-Subset-Bold.otf"),
}

#: Unicode ranges kept besides GB2312 (code points Noto lacks are skipped by the subsetter).
RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ¥ ° × ÷ · © ® é …
    (0x2010, 0x205E),  # general punctuation: – — ‘ ’ “ ” … ‰ ※
    (0x20A0, 0x20C0),  # currency: € ₩ ₹ …
    (0x2100, 0x214F),  # letterlike: ℃ № ™ ℉
    (0x2150, 0x218F),  # number forms: Ⅰ–Ⅻ ⅰ–ⅻ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: ± ≤ ≥ ≠ ≈ ∞
    (0x2460, 0x24FF),  # enclosed alphanumerics: ①–⑳ ⑴ ⒈ Ⓐ
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ▲ △ ◆ ◇ ○ ●
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆ ☑ ♥
    (0x2700, 0x27BF),  # dingbats: ✓ ✔ ✗ ✘
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕～
    (0x3200, 0x32FF),  # enclosed CJK: ㈠ ㈱ ㊣
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF65),  # full-width forms: ！（），：；？～ ￥
    (0xFFE0, 0xFFEE),  # full-width signs: ￠ ￡ ￥
]

#: Common modern characters (names, shop and chat words, units) that GB2312 lacks.
EXTRA = "啰囧槑堃犇垚喆昇玥珺瑄璟旻祎彧赟啫欸镕琤瑨昕晗曌玮钰婳㎡㎏㎝㎜㎞㎎㏄"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_TEXT_SUFFIXES = {".py", ".ipynb", ".csv", ".json", ".yaml", ".yml", ".md", ".txt"}


def gb2312_chars() -> set[int]:
    """Every code point the ``gb2312`` codec can encode."""
    kept = set()
    for cp in range(0x20, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        kept.add(cp)
    return kept


def scanned_chars(dirs: list[Path]) -> set[int]:
    """CJK characters used in the text files under *dirs*."""
    found = set()
    for d in dirs:
        for path in sorted(d.rglob("*")):
            if path.suffix.lower() in _TEXT_SUFFIXES and path.is_file():
                text = path.read_text(encoding="utf-8", errors="ignore")
                found.update(ord(ch) for ch in _CJK.findall(text))
    return found


def wanted_codepoints(scan: list[Path] = ()) -> set[int]:
    cps = gb2312_chars()
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    cps.update(ord(ch) for ch in EXTRA)
    cps.update(scanned_chars(list(scan)))
    return cps


def open_source(path: Path, family: str) -> TTFont:
    """The face of the collection (or single font) at *path* whose family name is *family*."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(str(path), lazy=False, recalcTimestamp=False)
    coll = TTCollection(str(path), lazy=True)
    for number, font in enumerate(coll.fonts):
        name = font["name"]
        names = {name.getDebugName(1), name.getDebugName(16)}
        if family in names:
            print(f"{path}: font number {number} is {family!r}", file=sys.stderr)
            return TTFont(str(path), fontNumber=number, lazy=False, recalcTimestamp=False)
    raise SystemExit(f"{path}: no face named {family!r}")


def rename(font: TTFont, style: str, source_version: str) -> None:
    """Give the subset its own family name (OFL: a Modified Version) and say what it is."""
    name = font["name"]
    copyright_ = name.getDebugName(0) or ""
    trademark = name.getDebugName(7)
    license_ = name.getDebugName(13)
    license_url = name.getDebugName(14)
    vendor_url = name.getDebugName(11)
    credits = {i: name.getDebugName(i) for i in (8, 9, 12)}  # manufacturer, designers, URL
    ps_name = f"{FAMILY.replace(' ', '')}-{style}"
    name.names = []
    records = {
        0: copyright_,
        1: FAMILY,
        2: style,
        3: f"{source_version};cslab;{ps_name}",
        4: f"{FAMILY} {style}" if style != "Regular" else FAMILY,
        5: f"Version {source_version}; cslab subset (GB2312 + punctuation)",
        6: ps_name,
        7: trademark,
        10: (
            f"Modified Version of Noto Sans CJK SC {style}: a character subset (GB2312, "
            "ASCII, punctuation and common symbols) made with fontTools for the cslab "
            "courseware; hinting and vertical metrics removed. Not the original font."
        ),
        11: vendor_url,
        13: license_,
        14: license_url,
    }
    for name_id, text in records.items():
        if text:
            name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
            name.setName(text, name_id, 1, 0, 0)  # Macintosh, Roman, English
    for name_id, text in credits.items():  # may hold CJK text: Windows (Unicode) records only
        if text:
            name.setName(text, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    old = cff.fontNames[0]
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FullName = records[4]
    top.FamilyName = FAMILY
    if hasattr(top, "CIDFontName"):
        top.CIDFontName = ps_name
    # CID-keyed fonts carry one FontName per FDArray entry, prefixed by the PostScript name.
    for fd in getattr(top, "FDArray", []) or []:
        if getattr(fd, "FontName", "").startswith(old):
            fd.FontName = ps_name + fd.FontName[len(old):]
    # A fresh vendor ID makes clear this is not Adobe's/Google's build.
    font["OS/2"].achVendID = "NONE"


def make_subset(source: Path, output: Path, style: str, scan: list[Path] = ()) -> TTFont:
    """Subset the SC face of *source* to *output*, named ``FAMILY`` *style*."""
    font = open_source(source, SOURCE_FAMILY)
    source_version = f"{font['head'].fontRevision:.3f}"
    options = subset.Options()
    options.hinting = False  # drop CFF hints: charts are rasterised by FreeType's autohinter
    options.desubroutinize = False  # keep subroutines: smaller file
    options.drop_tables += ["vhea", "vmtx", "VORG", "BASE"]
    # what HarfBuzz (matplotlib >= 3.11 shapes text with libraqm) applies to horizontal text
    options.layout_features = ["ccmp", "liga", "clig", "calt", "rlig", "kern", "mark", "mkmk",
                               "dist"]
    options.name_IDs = ["*"]
    options.name_languages = [0x409, 0]
    options.notdef_outline = True
    options.recalc_bounds = True
    options.prune_unicode_ranges = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted_codepoints(scan)))
    subsetter.subset(font)
    rename(font, style, source_version)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    return font


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR,
                        help="folder with NotoSansCJK-{Regular,Bold}.ttc (default: %(default)s)")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR,
                        help="where to write the subsets (default: %(default)s)")
    parser.add_argument("--style", choices=sorted(FACES), action="append",
                        help="only this style (repeatable; default: all)")
    parser.add_argument("--scan", type=Path, action="append", default=[],
                        help="also keep CJK characters used in text files under this folder "
                             "(repeatable)")
    args = parser.parse_args(argv)
    for style in args.style or FACES:
        source_name, output_name = FACES[style]
        source, output = args.source_dir / source_name, args.output_dir / output_name
        if not source.exists():
            parser.error(f"{source} not found: apt-get install fonts-noto-cjk")
        font = make_subset(source, output, style, args.scan)
        size = output.stat().st_size
        print(f"{output}: {size / 1e6:.2f} MB, {len(font.getGlyphOrder())} glyphs, "
              f"{len(font.getBestCmap())} characters, {FAMILY!r} {style}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
