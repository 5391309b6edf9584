"""Write ``countries_110m.geojson`` beside this file from plotly.js's world topology.

Usage (the topology comes from ``extract.js``, see this folder's README)::

    python assets/geo/build_countries.py path/to/world_110m.json

TopoJSON stores each border once as an *arc* of quantised, delta-encoded points;
a point is ``lon = k_x * sum(dx) + t_x``, ``lat = k_y * sum(dy) + t_y`` with the
topology's ``transform`` (scale ``k``, translate ``t``). A ring lists arc indices;
index ``~i`` (``-i - 1``) is arc ``i`` reversed, and consecutive arcs share their
joining point, which is kept once. Each country becomes one GeoJSON feature keyed
by its ISO3 ``id`` (countries stored in several pieces, e.g. ESP or PRT, are merged
into one MultiPolygon). Coordinates are rounded to ``DECIMALS`` decimal degrees
(0.01 deg is about 1 km, well below a 1:110m map's detail) and points that then
repeat are dropped. Russia and Fiji cross the antimeridian: their points west of
it (``lon < 0``) move east by 360 deg (as plotly.js does for them), so no ring
jumps across the whole map. Antarctica is left out: it is no economy of the model, and
the Web-Mercator map cannot draw the South Pole.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DECIMALS = 2
LEFT_OUT = {"ATA"}
ACROSS_ANTIMERIDIAN = {"RUS", "FJI"}
Ring = list[list[float]]


def decode_arcs(topology: dict) -> list[Ring]:
    """Every arc of the topology as absolute [lon, lat] points."""
    transform = topology["transform"]
    (kx, ky), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(kx * x + tx, DECIMALS), round(ky * y + ty, DECIMALS)])
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """A closed ring stitched from arc indices (``~i`` = arc ``i`` reversed)."""
    points: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def countries(topology: dict) -> dict:
    """The GeoJSON FeatureCollection of the topology's ``countries`` object."""
    arcs = decode_arcs(topology)
    polygons: dict[str, list[list[Ring]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or code in LEFT_OUT:
            continue
        parts = geometry["arcs"]
        if geometry["type"] == "Polygon":
            parts = [parts]
        for part in parts:
            rings = [ring(r, arcs) for r in part]
            if code in ACROSS_ANTIMERIDIAN:
                rings = [[[x + 360 if x < 0 else x, y] for x, y in r] for r in rings]
            rings = [r for r in rings if len(r) >= 4]
            if rings:
                polygons.setdefault(code, []).append(rings)
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {},
            "geometry": {"type": "MultiPolygon", "coordinates": parts},
        }
        for code, parts in sorted(polygons.items())
    ]
    return {"type": "FeatureCollection", "features": features}


def main(source: str) -> None:
    """Convert ``source`` and write the GeoJSON (compact JSON) beside this file."""
    collection = countries(json.loads(Path(source).read_text("utf-8")))
    target = Path(__file__).with_name("countries_110m.geojson")
    target.write_text(json.dumps(collection, separators=(",", ":")) + "\n", "utf-8")
    count, size = len(collection["features"]), target.stat().st_size
    print(f"{target.name}: {count} countries, {size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
