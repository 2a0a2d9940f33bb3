"""Rebuild kanji_loose.txt (the loose layer of name matching) from the ja-itaiji package's variant families.

    pip install ja-itaiji==1.0.2
    python yorisoi/common/data/build_kanji_loose.py > yorisoi/common/data/kanji_loose.txt

Not run by the application or the tests: the table is reviewed and committed as data. Steps: fold every character
with the strict fold of yorisoi.common.names (so the loose layer builds on it), join ja-itaiji's families
transitively (this is what merges 斎 with 斉, and why it is only the loose layer), keep the characters of JIS X 0213
(Japanese names; drops the simplified Chinese forms), and write each group of two or more on one line.
"""

import collections
import json
import pathlib
import sys
import unicodedata

import ja_itaiji

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3]))
from yorisoi.common.names import strict_fold


def _japanese(char: str) -> bool:
    if not unicodedata.name(char, "").startswith("CJK"):
        return False  # ヶ and other kana that a family lists
    try:
        char.encode("shift_jis_2004")
    except UnicodeEncodeError:
        return False
    return True


def main() -> None:
    families = json.loads((pathlib.Path(ja_itaiji.__file__).parent / "data/term/ja-itaiji.json").read_text("utf-8"))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for char, members in families.items():
        for other in members:
            a, b = find(strict_fold(char)), find(strict_fold(other))
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups = collections.defaultdict(set)
    for char in list(parent):
        if len(char) == 1 and _japanese(char):
            groups[find(char)].add(char)
    print("# Loose kanji confusables for duplicate candidates and fuzzy search only (never for equality).")
    print("# Derived from ja-itaiji 1.0.2 (https://github.com/RjChiba/ja_itaiji, MIT licence,")
    print("# Copyright 2024 Manchuria Museum) by build_kanji_loose.py beside this file: families joined")
    print("# transitively after the strict fold, restricted to JIS X 0213. One group per line; the first")
    print("# character is the one a group folds to.")
    for members in sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0]):
        print("".join(members))


if __name__ == "__main__":
    main()
