"""The built-in full-resolution dataset (model.datasets, assets/data/icio2022)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from model import datasets, equilibrium
from model.__main__ import main


@pytest.fixture(scope="module")
def icio() -> datasets.Dataset:
    return datasets.load("icio2022")


def test_icio2022_shapes_and_codes(icio: datasets.Dataset) -> None:
    assert icio.flows.value.shape == (80, 80, 50)
    assert icio.gamma.shape == (80, 50, 50)
    assert icio.final_demand.shape == (80, 50)
    assert {"CHN", "USA", "DEU", "VNM", "MYS", "TWN", "NLD"} <= set(icio.regions)
    assert {"C26", "C28", "C302T309", "A01", "T"} <= set(icio.sectors)
    assert icio.unit == "USD million"
    assert icio.meta["package"]["version"] == "0.1.4"
    assert not icio.flows.value.flags.writeable and not icio.gamma.flags.writeable


def test_icio2022_accounts_close(icio: datasets.Dataset) -> None:
    x, gamma = icio.flows.value, icio.gamma
    beta = 1 - gamma.sum(axis=2)
    assert np.all(beta > 0) and np.all(gamma >= 0) and np.all(x >= 0)
    final = x.sum(axis=0) - np.einsum("jks,jk->js", gamma, x.sum(axis=1))
    np.testing.assert_allclose(final, icio.final_demand, rtol=0, atol=1e-6)
    base = equilibrium.accounts(x, gamma)  # the solver's own checks pass
    np.testing.assert_allclose(base.final_spending.sum(), base.value_added.sum())


def test_icio2022_file_matches_its_sidecar() -> None:
    folder = datasets.DATA_DIR / "icio2022"
    meta = json.loads((folder / "icio2022.meta.json").read_text(encoding="utf-8"))
    raw = (folder / "icio2022.npz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]
    assert "OECD" in meta["producer"] and "A-fd" in meta["assumptions"]


def test_unknown_dataset() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'nope'"):
        datasets.load("nope")


def test_dataset_and_io_are_exclusive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    io_csv = tmp_path / "io.csv"
    io_csv.write_text("region,sector,input_sector,share\n", encoding="utf-8")
    args = ["counterfactual", "--dataset", "icio2022", "--io", str(io_csv)]
    assert main([*args, "--theta", "4", "--out", "-"]) == 2
    assert "has its own IO shares" in capsys.readouterr().err
    both = ["--dataset", "icio2022", "--flows", "f.csv", "--theta", "4"]
    assert main(["counterfactual", *both, "--out", "-"]) == 2
    assert "not allowed with argument --dataset" in capsys.readouterr().err


def test_counterfactual_on_the_full_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One 80 x 50 scenario with input-output links through the CLI: ISO3 and
    ISIC codes in the shock file, a converged solve, every economy reported."""
    shock = tmp_path / "shock.csv"
    rows = [f"{e},CHN,{s},1.5" for e in ("USA", "JPN", "NLD") for s in ("C26", "C28")]
    shock.write_text(
        "exporter,importer,sector,cost_change_factor\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    args = ["counterfactual", "--dataset", "icio2022", "--shock", str(shock)]
    assert main([*args, "--theta", "5", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["solver"]["converged"] and len(report["regions"]) == 80
    assert report["regions"]["CHN"]["welfare_change_pct"] < 0
    usa_chn = {
        (p["exporter"], p["importer"], p["sector"]): p["trade_change_pct"]
        for p in report["pairs"]
        if p["importer"] == "CHN" and p["sector"] == "C26"
    }
    assert usa_chn[("USA", "CHN", "C26")] < -50 < usa_chn[("VNM", "CHN", "C26")]
