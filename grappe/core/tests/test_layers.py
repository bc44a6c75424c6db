"""The layers point down and no module imports itself back: the contracts of pyproject.toml's
[tool.importlinter] (import-linter) and grappe.tools.import_cycles, run on the code as it is."""

from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

from grappe.tools import import_cycles

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_no_layer_imports_one_above_it_and_matching_stays_pure(capsys):
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == EXIT_STATUS_SUCCESS, capsys.readouterr().out


def test_no_import_cycle_between_modules():
    assert import_cycles.cycles(import_cycles.import_graph(import_cycles.module_files())) == []


def test_the_cycle_check_finds_a_cycle_and_only_the_modules_in_it():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert import_cycles.cycles(edges) == [["a", "b", "c"]]
