"""Build the full-resolution ICIO 2022 dataset: 80 economies x 50 industries.

Run with ``make data`` (after the 8-region build in ``../baseline_icio2022``)::

    .venv-data/bin/python assets/data/icio2022/build.py

It reads ``sanction_simulator/data/bench_cache.npz`` from the installed package
(``requirements-data.txt``), exactly as the 8-region build does, and writes into
this folder:

``icio2022.npz``
    A deterministic zip (fixed member order and timestamps, deflate level 9) of
    ``.npy`` arrays, readable with ``numpy.load(..., allow_pickle=False)``:

    * ``economies`` (N=80,) ISO3 codes (ICIO's; ``ROW``-less), ``industries``
      (S=50,) ICIO ISIC Rev.4 industry codes (``C26``, ``C28``, ...);
    * ``flows`` X[i, j, s] (N, N, S): gross sales (intermediate + final use) of
      industry s from economy i to economy j, incl. home sales i = j, basic
      prices [USD million]. Intermediate part measured (ICIO), final part split by
      destination with assumption A-fd (below);
    * ``io_shares`` gamma[i, s, k] (N, S, S): purchases of input k (all origins) by
      industry s of economy i over its gross output (measured; 0 for the nodes
      with no output) [0-1];
    * ``final_demand`` F[j, s] (N, S): final use of product s in economy j, all
      origins [USD million] (= sum_i X[i, j, s] - sum_k gamma[j, k, s] Y[j, k]);
    * ``final_by_seller`` z[i, s] (N, S): final sales of each seller, all
      destinations pooled, as in the source [USD million].

``icio2022.meta.json``
    Provenance: the OECD as the source with its terms, the package, version and
    sha256 of the file read, the assumption, units, checks and the sha256 of the
    npz and of every array.

A-fd (final demand by destination, not in the source) is the 8-region build's
central split (``split_final_demand`` there, FACTS.md section 5): the origin mix
of a destination's final use of a product equals the origin mix of its
intermediate use, fitted so that every seller's final sales sum to ``z``.
Nothing is aggregated or rounded. Running the script twice writes identical
bytes. The app and the tests never import this script or the package.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import zipfile
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parent
NPZ_OUT, META_OUT = "icio2022.npz", "icio2022.meta.json"
BASE_BUILD = OUT_DIR.parent / "baseline_icio2022" / "build.py"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: deterministic bytes
FINAL_TOLERANCE = 1e-9  # relative: final demand >= -tol x absorption is rounding


def _base_build():
    """The 8-region build module (its reader, A-fd split and OECD terms)."""
    spec = importlib.util.spec_from_file_location("baseline_icio2022_build", BASE_BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(arrays: dict[str, np.ndarray], split) -> dict[str, np.ndarray]:
    """The dataset's arrays from the source arrays (see the module docstring)."""
    countries = np.array([str(c) for c in arrays["countries"]])
    industries = np.array([str(s) for s in arrays["sectors"]])
    n, n_s = len(countries), len(industries)
    a_coef, omb, used, z = arrays["A"], arrays["omb"], arrays["s"], arrays["z"]
    # nodes are sector-major: node = industry * n + economy
    inter = (a_coef * (omb * used)[None, :]).reshape(n_s, n, n_s, n)
    bilateral = inter.sum(axis=2)  # seller industry a, seller c, buyer economy d
    final_split, _ = split(bilateral, z.reshape(n_s, n))  # a, c, d
    flows = (bilateral + final_split).transpose(1, 2, 0)  # X[i, j, s]
    output = used.reshape(n_s, n).T  # Y[i, s]
    purchases = inter.sum(axis=1)  # input k, buyer industry s, buyer economy i
    gamma = np.where(
        output[:, :, None] > 0,
        purchases.transpose(2, 1, 0) / np.where(output > 0, output, 1.0)[:, :, None],
        0.0,
    )
    absorption = flows.sum(axis=0)
    final = absorption - np.einsum("jks,jk->js", gamma, flows.sum(axis=1))
    return {
        "economies": countries,
        "industries": industries,
        "flows": np.ascontiguousarray(flows),
        "io_shares": np.ascontiguousarray(gamma),
        "final_demand": np.ascontiguousarray(final),
        "final_by_seller": np.ascontiguousarray(z.reshape(n_s, n).T),
    }


def checks(data: dict[str, np.ndarray], used: np.ndarray) -> dict[str, object]:
    """The model's consistency rules on the arrays; raise on a failure."""
    x, gamma, final = data["flows"], data["io_shares"], data["final_demand"]
    n, _, n_s = x.shape
    output = x.sum(axis=1)
    beta = 1 - gamma.sum(axis=2)
    absorption = x.sum(axis=0)
    rules = {
        "flows finite and >= 0": bool(np.all(np.isfinite(x)) and np.all(x >= 0)),
        "io shares finite and >= 0": bool(np.all(np.isfinite(gamma) & (gamma >= 0))),
        "value-added share beta > 0 everywhere": bool(np.all(beta > 0)),
        "final demand >= 0 (rounding aside)": bool(
            np.all(final >= -FINAL_TOLERANCE * np.maximum(absorption, 1.0))
        ),
        "every economy has final demand > 0": bool(np.all(final.sum(axis=1) > 0)),
        "gross output = source s (rel. 1e-9)": bool(
            np.allclose(output, used.reshape(n_s, n).T, rtol=1e-9, atol=1e-6)
        ),
    }
    failed = [rule for rule, ok in rules.items() if not ok]
    if failed:
        raise ValueError(f"checks failed: {failed}")
    va = (beta * output).sum()
    return {
        "rules": rules,
        "nodes_without_output": int((output <= 0).sum()),
        "markets_without_absorption": int((absorption <= 0).sum()),
        "world_gross_output_usd_mn": round(float(output.sum()), 3),
        "world_value_added_usd_mn": round(float(va), 3),
        "world_final_demand_usd_mn": round(float(np.maximum(final, 0).sum()), 3),
        "min_value_added_share": round(float(beta[output > 0].min()), 6),
    }


def npz_bytes(data: dict[str, np.ndarray]) -> bytes:
    """A deterministic npz: members in a fixed order with a fixed timestamp."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key, array in data.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def meta(base, origin: dict, data: dict[str, np.ndarray], raw: bytes, checked: dict):
    """The provenance sidecar of the npz."""
    fd = base.SOURCES["A-fd"]
    return {
        "title": "OECD ICIO 2022 at full resolution: bilateral gross sales by "
        "industry, input-output shares and final demand, 80 economies x 50 "
        "industries",
        "year": base.YEAR,
        "file": NPZ_OUT,
        **{k: v for k, v in base.OECD.items() if k != "package_note"},
        "package": {
            **{k: v for k, v in origin.items() if k != "audit"},
            "licence_of_code": "MIT",
            "note": base.OECD["package_note"],
            "audit": json.loads(origin["audit"]),
        },
        "units": {
            "flows": "USD million, current prices, basic prices",
            "final_demand": "USD million",
            "final_by_seller": "USD million",
            "io_shares": "share of gross output, unitless",
        },
        "arrays": {
            "economies": "ISO3 codes of the 80 ICIO economies (CHN mainland; HKG, "
            "TWN separate), index i or j",
            "industries": "ICIO 2025 industry codes (ISIC Rev.4 divisions and "
            "groups of divisions), index s or k",
            "flows": "X[i, j, s]: sales of industry s from economy i to economy j "
            "(intermediate + final use), incl. home sales; measured intermediate "
            "part, final part by assumption A-fd",
            "io_shares": "gamma[i, s, k]: purchases of input k from all origins by "
            "industry s of economy i over its gross output; beta = 1 - sum_k gamma "
            "is value added (measured; 0 where the node has no output)",
            "final_demand": "F[j, s] = sum_i X[i, j, s] - sum_k gamma[j, k, s] "
            "Y[j, k], final use in j of product s, all origins (derived)",
            "final_by_seller": "z[i, s]: final sales of seller (i, s), all "
            "destinations pooled (measured)",
        },
        "assumptions": {
            "A-fd": {
                "text": fd["text"],
                "why": fd["why"],
                "level": "applied at the economy level here, nothing aggregated",
            }
        },
        "quality": "intermediate flows and io_shares measured; the final-use part "
        "of every flow assumed (A-fd); final_demand derived from both",
        "processing": "assets/data/icio2022/build.py (make data), "
        "requirements-data.txt; the A-fd split is that of "
        "assets/data/baseline_icio2022/build.py",
        "checks": checked,
        "array_sha256": {
            key: hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()
            for key, arr in data.items()
        },
        "sha256": hashlib.sha256(raw).hexdigest(),
    }


def main() -> None:
    """Build and write the npz and its sidecar."""
    base = _base_build()
    arrays, origin = base.read_package()
    data = tables(arrays, base.split_final_demand)
    checked = checks(data, arrays["s"])
    raw = npz_bytes(data)
    (OUT_DIR / NPZ_OUT).write_bytes(raw)
    text = json.dumps(meta(base, origin, data, raw, checked), indent=2) + "\n"
    (OUT_DIR / META_OUT).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
