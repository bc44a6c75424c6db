"""Messy files as clusters really keep them, written by the test suite itself, each with the report its dry
run must give.

Each file mimics one thing met in real directories and registry extracts: a French Excel's Windows-1252 with
semicolons, UTF-8 with a byte-order mark, UTF-16 with tabs (Excel's "Unicode text"), a workbook whose NEQs are
numbers, "NA" and dashes for "nothing", columns shifted by one on some rows, a NEQ twice, all-caps legal names
up to 181 characters, and text garbled by a second encoding ("Trois-RiviÃ¨res").
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HEADERS = ["Raison sociale", "NEQ", "Type", "Ville", "Site web"]


@dataclass(frozen=True)
class Expected:
    """What the dry run of a file must report."""

    counts: dict  # created, updated, unchanged, error_rows
    groups: list = field(default_factory=list)  # (column, value, rows) of each group of identical errors
    garbled: int = 0  # cells that look garbled
    texts: tuple = ()  # (row number, legal name) of some organisations to create, as they must read


def _csv(rows: list[list[str]], delimiter: str) -> str:
    return "\r\n".join(delimiter.join(cells) for cells in [HEADERS, *rows]) + "\r\n"


def _neq(n: int) -> str:
    return f"{1170000000 + n}"


def windows_1252_semicolons() -> tuple[bytes, Expected]:
    """A French Excel's "CSV (separator: semicolon)": accents in Windows-1252, "NA" and dashes for nothing."""
    empties = ["NA", "n/a", "N.D.", "n/d", "-", "–", "—", "S.O."]
    rows = [[f"Atelier Trois-Rivières {i}", _neq(i), empty, "Trois-Rivières", "NA"]
            for i, empty in enumerate(empties)]
    rows.append(["Usinage Québec ltée", _neq(20), "PME", "Québec", "https://usinage.example"])
    content = _csv(rows, ";").encode("cp1252")
    return content, Expected(counts={"created": 9, "updated": 0, "unchanged": 0, "error_rows": 0},
                             texts=((2, "Atelier Trois-Rivières 0"), (10, "Usinage Québec ltée")))


def utf8_bom() -> tuple[bytes, Expected]:
    """UTF-8 with a byte-order mark (Excel's "CSV UTF-8"); an unknown type on three rows, one fix for all."""
    rows = [[f"Fonderie Saint-Éloi {i}", _neq(30 + i), "Inconnu" if i < 3 else "PME", "Lévis", ""]
            for i in range(5)]
    content = "\ufeff".encode() + _csv(rows, ",").encode()
    return content, Expected(counts={"created": 2, "updated": 0, "unchanged": 0, "error_rows": 3},
                             groups=[("Type", "Inconnu", 3)])


def utf16_tabs_shifted() -> tuple[bytes, Expected]:
    """Excel's "Unicode text": UTF-16, tab-separated; two rows shifted one column to the right."""
    rows = [["Électro-Mécanique Nord", _neq(40), "PME", "Saguenay", "https://emn.example"],
            ["Chaudronnerie Beauce", "", _neq(41), "PME", "Saint-Georges"],
            ["Peinture Industrielle Sud", "", _neq(42), "PME", "Granby"],
            ["Outillage Mégantic", _neq(43), "Rang 1", "Lac-Mégantic", ""]]
    content = _csv(rows, "\t").encode("utf-16")
    return content, Expected(counts={"created": 2, "updated": 0, "unchanged": 0, "error_rows": 2},
                             groups=[("Type", _neq(41), 1), ("Site web", "Saint-Georges", 1),
                                     ("Type", _neq(42), 1), ("Site web", "Granby", 1)],
                             texts=((2, "Électro-Mécanique Nord"),))


def registry_xlsx() -> tuple[bytes, Expected]:
    """An extract of the enterprise registry: numeric NEQs, all-caps legal names up to 181 characters, and one
    NEQ on two rows."""
    long_name = ("CORPORATION DE DÉVELOPPEMENT INDUSTRIEL ET TECHNOLOGIQUE DE LA RÉGION DE TROIS-RIVIÈRES "
                 "POUR L'AÉROSPATIALE, LA MÉTALLURGIE ET LES MATÉRIAUX COMPOSITES AVANCÉS (CDITR) INC. MAURICIE")
    assert len(long_name) == 181
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([long_name, 1170000050, "PME", "TROIS-RIVIÈRES", None])
    sheet.append(["MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE", 1170000051, "Autre", "TROIS-RIVIÈRES", None])
    sheet.append(["CLUB DE GOLF LE ST-REMI", 1170000052, None, "SAINT-RÉMI", None])
    sheet.append(["LES ENTREPRISES DOUBLON INC.", 1170000053, "PME", "LAVAL", None])
    sheet.append(["DOUBLON ENTREPRISES INC.", 1170000053, "PME", "LAVAL", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), Expected(
        counts={"created": 3, "updated": 0, "unchanged": 0, "error_rows": 2},
        groups=[("NEQ", _neq(53), 1), ("NEQ", _neq(53), 1)],
        texts=((2, long_name), (3, "MUSÉE QUÉBÉCOIS DE CULTURE POPULAIRE")))


def garbled_utf8() -> tuple[bytes, Expected]:
    """A UTF-8 file read as Windows-1252 and saved again as UTF-8: every accent became two characters."""
    def garble(text: str) -> str:
        return text.encode().decode("cp1252")
    rows = [[garble("Atelier Trois-Rivières"), _neq(60), "PME", garble("Trois-Rivières"), ""],
            [garble("Métal Bécancour"), _neq(61), "PME", garble("Bécancour"), ""],
            ["Plain Name Inc.", _neq(62), "PME", "Laval", ""]]
    content = _csv(rows, ",").encode()
    return content, Expected(counts={"created": 3, "updated": 0, "unchanged": 0, "error_rows": 0}, garbled=4,
                             texts=((2, "Atelier Trois-RiviÃ¨res"),))


MESSY_FILES = {
    "repertoire-windows-1252.csv": windows_1252_semicolons,
    "repertoire-utf8-bom.csv": utf8_bom,
    "repertoire-utf16.txt": utf16_tabs_shifted,
    "registre.xlsx": registry_xlsx,
    "repertoire-garbled.csv": garbled_utf8,
}


def write_messy_files(folder: Path) -> dict[str, Expected]:
    """Write every messy file into `folder`; return what each one's dry run must report, by file name."""
    expected = {}
    for name, make in MESSY_FILES.items():
        content, expected[name] = make()
        (folder / name).write_bytes(content)
    return expected
