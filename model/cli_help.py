"""The ``--help`` texts of ``python -m model`` (:mod:`model.cli`): what each
command reads and writes, its file formats and its exit status."""

RUN_HELP = """\
SCENARIO: a JSON file holding one object of lever values, e.g.
  {"scope_ai_chips": 1.0, "fence_pct": 50, "participation_nld": 0.5}
or the same text inline (it must start with '{'); or a preset file (a JSON
object with "schema_version", as written by python -m scenarios export); or
the id of a built-in or user preset (see python -m scenarios list). Levers not
given keep their defaults (no new policy). Unknown levers and values out of
range are errors.

--out FILE.json  {"levers": all lever values, "metrics", "by_sector", "units",
                  "solver": {"iterations", "max_residual", "converged", "seconds"}}
--out FILE.csv   tidy table: metric,region,sector,baseline,scenario,change
--out -          the JSON to stdout

--years 2022-2035  (JSON only) add the yearly path, the scenario in force from
                   2022 (years 2022-2060): "years": [...], "paths": {output:
                   [...] or {region or sector: [...]}}, "dynamics": {parameters,
                   units, converged}. Outputs: python -c "from model.decade_outputs
                   import OUTPUTS; print([o.name for o in OUTPUTS])"
--draws N          (with --years) add "bands": {output: {"p10", "p50", "p90"}}
                   from N Monte Carlo draws (1-10000) over the trade elasticities
                   and the dynamic parameters, and "monte_carlo": {draws, seed,
                   failed per year, failed_draws in all}
--seed S           seed of the draws (default 2022): same seed, same bands

--flows-out FLOWS.csv  also write every bilateral flow, N x N x S rows
                   (home sales on the diagonal): exporter,importer,sector,
                   baseline_usd_bn,scenario_usd_bn,change_pct,baseline_volume,
                   scenario_volume,volume_change_pct. Values are at producer
                   prices (net of tariffs, incl. trade costs) [USD bn]. Volumes
                   are at 2022 prices [USD bn of 2022]: the value deflated by the
                   DELIVERED price change p_hat(exporter) x tau_hat(pair), the
                   exporter's mill price times the pair's trade-cost change
                   (not the tariff): the quantity the importer receives. The
                   baseline volume equals the baseline value. Changes in %,
                   empty where the baseline flow is 0.

Exit status: 0 ok, 2 bad input (one line on stderr), 3 solver did not converge."""

EXPLAIN_HELP = """\
SCENARIO and --base: as for run (a JSON file, inline JSON, a preset file or a
preset id). Without --base the change is measured from the no-controls
reference preset (the dashboard's KPI reference); with --years from the
no-policy path (the lever defaults), every decade output's zero.

The lever groups (yard, fence, fence_by_sector, allies, trade_war, china,
assumptions) are the players of a Shapley value: each group's contribution is
the average, over every order of switching the groups from the base to the
scenario one after another, of the change when that group is switched. The
contributions sum to the change exactly; interactions (a fence needs a yard)
are split equally among the groups that make them. All 2^7 combinations are
solved (those differing only in groups the scenario does not change, once).

--out FILE.json  {"scenario", "base", "groups": {group: label}, "solved",
                  "seconds", "metrics": {metric: {region, sector or "total":
                  {"base", "scenario", "change", "contributions": {group: x}}}}}
                  with --years also "years", and every number a list over them
--out FILE.csv   [year,]metric,key,base,scenario,change,contribution_<group>...
--out -          the JSON to stdout

--years 2022-2035  explain every year of the decade path, the scenario in force
                   from 2022 (central dynamic parameters); one path is solved
                   per combination of groups, about 0.1 s each

A metric undefined in some combination (backfill or leakage when the fence
stops nothing, cost-effectiveness when the coalition loses no welfare) has no
attribution: its contributions are null (JSON) or empty (CSV).

Exit status: 0 ok, 2 bad input (one line on stderr), 3 solver did not converge."""

COUNTERFACTUAL_HELP = """\
Input files are UTF-8 CSV with a header line (header = line 1):
  flows  exporter,importer[,sector],value   baseline flows >= 0, every pair
         incl. home sales (exporter == importer); a pair not listed is 0.
         Flows are at producer prices, NET of the baseline tariff: the
         importer pays value x (1 + tariff_pct/100), the exporter gets value.
         Without a sector column there is one sector, "all". Regions are all
         codes in the file, in order of first appearance.
  shock  exporter,importer[,sector],cost_change_factor   iceberg trade-cost
         factor > 0, or inf (prohibited); a pair not listed keeps 1. Without a
         sector column a factor applies to every sector. Optional: without
         --shock no trade cost changes.
  tariff exporter,importer[,sector],tariff_pct,new_tariff_pct   ad valorem
         tariff in the baseline and in the counterfactual, >= 0 [%, 25 = 25%],
         revenue to the importer; a pair not listed has none in either. Without
         a sector column a row applies to every sector of the pair. Optional.
  io     region,sector,input_sector,share   share of input_sector (from all
         origins) in the gross output of sector in region, >= 0; the shares of
         a region and sector sum to < 1 (the rest is value added); a row not
         listed is 0. One-sector flows: sector = input_sector = all. Optional:
         without --io there are no intermediate inputs.
  theta  a number > 0 for every sector, or a CSV file sector,theta.
--dataset icio2022 instead of --flows: OECD ICIO 2022 (2025 release), 80
         economies (ISO3 codes, e.g. CHN, DEU, VNM) x 50 industries (ICIO's
         ISIC Rev.4 codes, e.g. C26, C28) with its input-output shares (so no
         --io), flows in USD million; final use by destination is an assumption
         (assets/data/icio2022/icio2022.meta.json). No tariffs in the table.

--out R.json (or - for stdout) gets
  {"regions": {R: {"welfare_change_pct", "price_index_change_pct",
                   "income_change_pct", "baseline_tariff_revenue",
                   "tariff_revenue"}},
   "pairs": [{"exporter", "importer", "sector", "trade_change_pct",
              "import_share_change_pct"}],   (pairs with a baseline flow > 0)
   "solver": {"iterations", "max_residual", "converged", "seconds"}}
welfare: real final spending; price_index: the final-goods price index;
income: value added (GDP); trade: the flow at producer prices; import share:
at the importer's prices. Changes are in percent (a prohibited pair: -100);
null where undefined (income change of a region with no value added). Tariff
revenue is in the unit of the flows. Deficits stay at their baseline value and
world value added is the numeraire.

Bad input (a share below 0, shares summing to 1 or more, final demand that
would be negative, an unknown region, a row listed twice, ...) names the file,
the line and the problem.
Exit status: 0 ok, 2 bad input (one line on stderr), 3 solver did not converge."""


FRONTIER_HELP = """\
The grid has N yard sizes y evenly from 0 to 1 and N fence columns. The yard
fills the six technology sectors in the order ai_chips, sme, chips, telecom,
frontier, ict_hw: the k-th (from 0) gets scope clip(6 y - k, 0, 1). The fence
columns are N - 1 heights evenly from 0 to 500% and a last column "denied"
(prohibitive = true). Every other lever keeps the base scenario's value.

--grid N         2 to 101 (default 25): N x N scenarios in one batched solve
--base SCENARIO  as for run: a preset id, a JSON file or inline JSON;
                 default: the lever defaults (no new policy)
--out F.csv      one row per cell: yard, fence_pct, prohibitive, the six
                 scope_* levers, converged, every scalar metric, every
                 by-region metric as <REGION>_<metric> (e.g.
                 USA_welfare_change_usd_bn), and on_frontier (a corner of the
                 efficient frontier: no cell that costs the coalition as little
                 or less raises China's technology prices more). Cells that did
                 not converge have empty metrics and converged = False; a line
                 on stderr counts them.

Prints the solve time in seconds on stdout.
Exit status: 0 ok, 2 bad input (one line on stderr)."""
