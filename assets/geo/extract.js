// Writes small_economies.json beside this file and world_110m.json (the input of
// build_countries.py, not kept in the repository) to the current directory, from
// plotly.js's own geo assets, so the app's world map needs no CDN.
//
//   npm pack plotly.js@4.1.1            # the version streamlit's plotly bundles
//   tar xzf plotly.js-4.1.1.tgz package/dist/plotly-geo-assets.js
//   node assets/geo/extract.js package/dist/plotly-geo-assets.js
//
// world_110m.json is plotly.js's Natural Earth 1:110m world topology, unchanged
// (countries keyed by ISO3 id; the name plotly.js asks for at scope "world",
// resolution 110). small_economies.json lists the centroid ("ct") of every
// country of the 1:50m topology that has no polygon at 1:110m (Hong Kong,
// Singapore, Malta, ...), so the map can mark them with a dot.
"use strict";
const fs = require("fs");
const path = require("path");

const source = process.argv[2];
if (!source) {
  console.error("usage: node extract.js path/to/plotly-geo-assets.js");
  process.exit(2);
}
global.window = {};
require(path.resolve(source));
const assets = window.Plotly.topojson;
const world = assets.world_110m;
const shown = new Set(world.objects.countries.geometries.map((g) => g.id));
const small = {};
for (const g of assets.world_50m.objects.countries.geometries) {
  if (!shown.has(g.id) && g.properties && g.properties.ct) small[g.id] = g.properties.ct;
}
const sorted = Object.fromEntries(Object.entries(small).sort());
fs.writeFileSync("world_110m.json", JSON.stringify(world));
fs.writeFileSync(
  path.join(__dirname, "small_economies.json"),
  "{\n" +
    Object.entries(sorted)
      .map(([id, ct]) => ` ${JSON.stringify(id)}: ${JSON.stringify(ct)}`)
      .join(",\n") +
    "\n}\n",
);
console.log(`world_110m.json: ${shown.size} countries; small_economies.json: ${Object.keys(sorted).length}`);
