"""Built-in datasets at full resolution, for ``python -m model counterfactual
--dataset NAME`` and for code: ``datasets.load("icio2022")``.

``icio2022``
    OECD Inter-Country Input-Output tables, 2025 release, reference year 2022:
    N = 80 economies (ISO3 codes) x S = 50 industries (ICIO's ISIC Rev.4 codes,
    e.g. ``C26``), written by ``assets/data/icio2022/build.py`` (``make data``)
    into ``assets/data/icio2022/icio2022.npz`` with the provenance sidecar
    ``icio2022.meta.json``. Flows ``X[i, j, s]`` are gross sales (intermediate +
    final use) at basic prices [USD million], the final-use part split by
    destination with the stated assumption A-fd (in the sidecar);
    ``gamma[i, s, k]`` the measured input-output shares [0-1]. There are no
    tariffs in the table, and no trade elasticities: give them as for any
    ``--flows`` file.

:func:`load` returns a :class:`Dataset` whose ``flows`` is a
:class:`model.userdata.UserFlows`, so that everything that works on a user's own
flows (shock and tariff files, :func:`model.counterfactual.report`) works on it
unchanged. The file is read once per process and its sha256 is checked against
the sidecar.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from model.userdata import UserFlows

FloatArray = npt.NDArray[np.float64]

DATA_DIR: Path = Path(__file__).resolve().parents[1] / "assets" / "data"
NAMES: tuple[str, ...] = ("icio2022",)
"""The built-in datasets, the values of ``--dataset``."""


@dataclass(frozen=True)
class Dataset:
    """A built-in dataset, checked.

    Attributes
    ----------
    name : str
        The dataset's name (``"icio2022"``).
    flows : UserFlows
        Baseline flows X[i, j, s] with region (ISO3) and sector (ISIC) codes
        [``unit``].
    gamma : FloatArray
        Input-output shares gamma[i, s, k], shape (N, S, S) [0-1].
    final_demand : FloatArray
        Final use F[j, s] of product s in region j, all origins [``unit``].
    unit : str
        The unit of every value (``"USD million"``).
    meta : dict
        The provenance sidecar (source, terms, package, assumptions, checks).
    """

    name: str
    flows: UserFlows
    gamma: FloatArray
    final_demand: FloatArray
    unit: str
    meta: dict[str, object]

    @property
    def regions(self) -> tuple[str, ...]:
        return self.flows.regions

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.flows.sectors


@functools.cache
def load(name: str) -> Dataset:
    """The built-in dataset ``name`` (one of :data:`NAMES`), read-only arrays.

    Raises
    ------
    ValueError
        An unknown name, a missing file, or a file whose sha256 differs from the
        one its sidecar records.
    """
    if name not in NAMES:
        raise ValueError(
            f"unknown dataset {name!r}; built-in datasets: {', '.join(NAMES)}"
        )
    folder = DATA_DIR / name
    npz_path, meta_path = folder / f"{name}.npz", folder / f"{name}.meta.json"
    try:
        raw = npz_path.read_bytes()
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(f"{err.filename}: cannot read ({err.strerror})") from err
    if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
        raise ValueError(f"{npz_path}: sha256 differs from {meta_path.name}")
    with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    for arr in arrays.values():
        arr.setflags(write=False)
    flows = UserFlows(
        file=f"{name} ({npz_path.name})",
        regions=tuple(str(c) for c in arrays["economies"]),
        sectors=tuple(str(s) for s in arrays["industries"]),
        has_sector=True,
        value=arrays["flows"],
    )
    return Dataset(
        name=name,
        flows=flows,
        gamma=arrays["io_shares"],
        final_demand=arrays["final_demand"],
        unit=meta["units"]["flows"].split(",")[0],
        meta=meta,
    )
