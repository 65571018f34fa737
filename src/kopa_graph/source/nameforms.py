"""How people write the name of a municipality's own organisation, from its name in the official lists.

An article writes "Lovisa stad", "S:t Michels stad", "Loppi kommun", "Mikkelin kaupunki" or "Joroisten
kunta" for the municipality as an organisation. :func:`organisation_forms` gives these forms for a
municipality of a classification (Swedish: the name or its genitive, then *stad* or *kommun*; Finnish: the
name or its genitive, then *kaupunki* or *kunta*), so that they resolve without a row in the alias table.

Finnish genitives are made by the regular patterns of Finnish (Alajärvi → Alajärven, Kauhajoki →
Kauhajoen, Ikaalinen → Ikaalisten, Kiuruvesi → Kiuruveden, Varkaus → Varkauden, Lapinlahti →
Lapinlahden), and where a pattern may or may not apply, every candidate is given: a form is only ever
compared with what an article wrote, and a form that two municipalities share resolves to neither (an
error with suggestions, never a guess). ``tests/test_nameforms.py`` checks them against the genitives
that public files write.
"""

from __future__ import annotations

import re

_VOWELS = "aeiouyäöå"
#: Consonant gradation, strong grade → weak grade, before the last vowel of a word (Turku → Turun).
_WEAK = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("lt", "ll"), ("rt", "rr"),
         ("nt", "nn"), ("ht", "hd"), ("lk", "l"), ("rk", "r"), ("hk", "h"), ("k", ""), ("t", "d"), ("p", "v"))
_SWEDISH_KINDS = ("stad", "kommun")
_FINNISH_KINDS = ("kaupunki", "kunta")


def _grades(stem: str) -> set[str]:
    """``stem`` and, if it ends in a consonant that gradates, its weak grade."""
    out = {stem}
    for strong, weak in _WEAK:
        if stem.endswith(strong) and len(stem) > len(strong) and stem[-len(strong) - 1] in _VOWELS + "lrnmh":
            out.add(stem[: -len(strong)] + weak)
            break
    return out


def finnish_genitives(name: str) -> set[str]:
    """The candidate genitives of a Finnish place name (only its last word inflects: Mänttä-Vilppulan)."""
    cut = max(name.rfind("-"), name.rfind(" ")) + 1
    head, word = name[:cut], name[cut:]
    if len(word) < 2:
        return set()
    low = word.lower()
    out: set[str] = set()
    if low.endswith("nen"):  # Ikaalinen → Ikaalisten (and -sen)
        out |= {word[:-3] + "sten", word[:-3] + "sen"}
    if low.endswith("si"):  # Kiuruvesi → Kiuruveden
        out.add(word[:-2] + "den")
    if low.endswith(("us", "ys", "ös")):  # Varkaus → Varkauden
        out.add(word[:-1] + "den")
    if low[-1] in _VOWELS:
        out.add(word + "n")  # Kotka → Kotkan, Pori → Porin, Raahe → Raahen
    if low.endswith("e"):  # Tampere → Tampereen
        out.add(word + "en")
    if low.endswith("i") and low[-2] not in _VOWELS:  # Alajärvi → Alajärven, Kauhajoki → Kauhajoen
        out |= {stem + ending for stem in _grades(word[:-1]) for ending in ("en", "in")}  # Helsinki → Helsingin
    elif low[-1] in "aäoöuy" and low[-2] not in _VOWELS:  # Turku → Turun, Hanko → Hangon
        out |= {stem + word[-1] + "n" for stem in _grades(word[:-1])}
    return {head + g for g in out}


def swedish_genitive(name: str) -> str:
    """The Swedish genitive: an -s, but none after s, x or z (S:t Michel → S:t Michels, Närpes → Närpes)."""
    return name if name[-1:].lower() in "sxz" else name + "s"


def organisation_forms(name_sv: str, name_fi: str) -> list[tuple[str, str]]:
    """The usual ways to write the municipality's own organisation, each with its language."""
    forms: list[tuple[str, str]] = []
    if name_sv:
        for stem in dict.fromkeys((name_sv, swedish_genitive(name_sv))):
            forms += [(f"{stem} {kind}", "sv") for kind in _SWEDISH_KINDS]
    if name_fi and not re.search(r"\s-\s", name_fi):  # "Maarianhamina - Mariehamn" is two names in one
        for stem in [name_fi, *sorted(finnish_genitives(name_fi))]:
            forms += [(f"{stem} {kind}", "fi") for kind in _FINNISH_KINDS]
    return forms
