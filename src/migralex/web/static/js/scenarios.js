/* Scenarios page: run a scenario in the background, watch its progress, see occupancy and flows, compare runs. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.simulations) {
    const note = $("unavailable");
    note.hidden = false;
    note.textContent = "The simulator (migralex.sim) is not available in this build.";
    $("run").disabled = true;
    return;
  }

  const [scenarios, countries] = await Promise.all([ML.api("/v1/simulations/scenarios"), ML.api("/v1/countries")]);
  const names = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
  const select = $("scenario");
  for (const s of scenarios) select.append(el("option", { value: s.name }, s.name));
  select.value = byName.baseline ? "baseline" : scenarios[0].name;
  const describe = () => {
    const s = byName[select.value];
    $("scenario-description").textContent = `${s.description} Starts ${s.start}; ${s.days} days by default.`;
  };
  select.addEventListener("change", describe);
  describe();
  for (const c of countries.filter((c) => c.member_state)) $("occ-ms").append(el("option", { value: c.code }, `${c.name} (${c.code})`));

  const occupancyChart = ML.chart($("occupancy"));
  const sankeyChart = ML.chart($("sankey"));
  const compareChart = ML.chart($("compare"));
  const results = {}; // job id -> {job, result}
  let shown = null;

  // ---------- running ----------
  $("run-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("errors").replaceChildren();
    const body = { scenario: select.value, days: Number($("days").value), runs: Number($("runs").value), seed: Number($("seed").value), scale: Number($("scale").value) };
    $("run").disabled = true;
    try {
      const job = await ML.api("/v1/simulations", { method: "POST", body });
      await follow(job.id);
    } catch (err) {
      ML.showError($("errors"), err);
      ML.status(statusNode, "The run was not started.");
    } finally {
      $("run").disabled = false;
    }
  });

  async function follow(id) {
    const bar = $("progress");
    for (;;) {
      const job = await ML.api(`/v1/simulations/${id}`);
      bar.value = job.progress;
      bar.textContent = `${Math.round(job.progress * 100)} %`;
      ML.status(statusNode, `${job.request.scenario}: ${job.state} — ${job.message} (${Math.round(job.progress * 100)} %)`);
      if (job.state === "done") {
        results[id] = { job, result: job.result };
        shown = id;
        render();
        refreshCompare();
        ML.status(statusNode, `${job.request.scenario}: done (${job.request.runs} runs, ${job.result.occupancy.dates.length} days).`);
        return;
      }
      if (job.state === "failed") throw new Error(job.error || "the simulation failed");
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  // ---------- charts ----------
  /** A median line over a 5–95 % band (the band is a stacked area: the 5 % line, then the width). */
  function bandSeries(name, series, color, bandColor, stackId) {
    const lower = series.p5;
    const width = series.p95.map((v, i) => v - lower[i]);
    const prefix = name ? `${name} ` : "";
    return [
      { name: `${prefix}5 %`, type: "line", data: lower, stack: stackId, symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
      { name: `${prefix}5–95 %`, type: "line", data: width, stack: stackId, symbol: "none", lineStyle: { opacity: 0 }, itemStyle: { color: bandColor }, areaStyle: { color: bandColor, opacity: 0.35 }, silent: true },
      { name: `${prefix}median`, type: "line", data: series.median, symbol: "none", itemStyle: { color }, lineStyle: { color, width: 2 } },
    ];
  }

  function render() {
    if (!shown) return;
    const { job, result } = results[shown];
    const where = $("occ-ms").value;
    const occ = where ? result.occupancy.member_states[where] : result.occupancy.union;
    const place = where ? names[where] : "the Union";
    const peak = Math.max(...occ.median);
    occupancyChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Border-procedure occupancy in ${place} for ${job.request.scenario}: median peak ${ML.fmt(peak)} against an adequate capacity of ${ML.fmt(occ.adequate_capacity)}.`),
        legend: { top: 0, data: ["median", "5–95 %", "adequate capacity", "annual maximum"] },
        grid: { left: 60, right: 20, top: 40, bottom: 40 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: result.occupancy.dates, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: "persons" },
        series: [
          ...bandSeries("", occ, ML.OKABE_ITO[0], ML.OKABE_ITO[4], "band"),
          { name: "adequate capacity", type: "line", data: occ.median.map(() => occ.adequate_capacity), symbol: "none", itemStyle: { color: ML.OKABE_ITO[5] }, lineStyle: { color: ML.OKABE_ITO[5], type: "dashed", width: 2 } },
          { name: "annual maximum", type: "line", data: occ.annual_maximum, symbol: "none", itemStyle: { color: ML.OKABE_ITO[1] }, lineStyle: { color: ML.OKABE_ITO[1], type: "dotted", width: 2 } },
        ],
      },
      { notMerge: true },
    );
    $("occ-basis").textContent = `Persons in the asylum and return border procedures, medians and 5–95 % bands over ${job.request.runs} runs. ${result.occupancy.basis}.`;
    drawSankey(result.flows);
  }

  function drawSankey(flows) {
    // A Sankey needs an acyclic graph: flows back to an earlier stage are listed under the chart.
    const order = ["arrival", ...flows.stages];
    const forward = flows.union.filter((f) => order.indexOf(f.target) > order.indexOf(f.source) && f.median > 0);
    const back = flows.union.filter((f) => order.indexOf(f.target) <= order.indexOf(f.source) && f.median > 0);
    const used = new Set(forward.flatMap((f) => [f.source, f.target]));
    const label = (s) => s.replace(/_/g, " ");
    sankeyChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Flows between stages in the Union: ${forward.length} flows; largest ${forward.sort((a, b) => b.median - a.median).slice(0, 3).map((f) => `${label(f.source)} to ${label(f.target)} ${ML.fmt(f.median)}`).join(", ")}.`),
        tooltip: { trigger: "item", formatter: (p) => (p.dataType === "edge" ? `${label(p.data.source)} → ${label(p.data.target)}: ${ML.fmt(p.data.value)} (5–95 %: ${ML.fmt(p.data.p5)}–${ML.fmt(p.data.p95)})` : label(p.name)) },
        series: [
          {
            type: "sankey",
            left: 10,
            right: 110,
            nodeGap: 10,
            emphasis: { focus: "adjacency" },
            data: order.filter((s) => used.has(s)).map((s, i) => ({ name: s, itemStyle: { color: ML.OKABE_ITO[i % ML.OKABE_ITO.length] } })),
            links: forward.map((f) => ({ source: f.source, target: f.target, value: f.median, p5: f.p5, p95: f.p95 })),
            label: { formatter: (p) => label(p.name), fontSize: 11 },
            lineStyle: { color: "gradient", opacity: 0.35 },
          },
        ],
      },
      { notMerge: true },
    );
    $("flows-back").textContent = back.length ? `Flows back to an earlier stage (not drawn): ${back.map((f) => `${label(f.source)} → ${label(f.target)} ${ML.fmt(f.median)}`).join("; ")}.` : "";
  }

  $("occ-ms").addEventListener("change", render);

  // ---------- comparing ----------
  async function refreshCompare() {
    const jobs = (await ML.api("/v1/simulations")).filter((j) => j.state === "done");
    for (const id of ["cmp-a", "cmp-b"]) {
      const sel = $(id);
      const keep = sel.value;
      sel.replaceChildren(...jobs.map((j) => el("option", { value: j.id }, `${j.request.scenario} · ${j.request.days ?? "default"} days · ${j.request.runs} runs · seed ${j.request.seed} (${j.id.slice(0, 6)})`)));
      if (keep && jobs.some((j) => j.id === keep)) sel.value = keep;
    }
    if (jobs.length) {
      $("cmp-a").value = $("cmp-a").value || jobs[0].id;
      const other = jobs.find((j) => j.id !== $("cmp-a").value);
      if (other && $("cmp-b").value === $("cmp-a").value) $("cmp-b").value = other.id;
    }
    await compare();
  }

  async function resultOf(id) {
    if (!results[id]) {
      const job = await ML.api(`/v1/simulations/${id}`);
      results[id] = { job, result: job.result };
    }
    return results[id];
  }

  async function compare() {
    const a = $("cmp-a").value;
    const b = $("cmp-b").value;
    if (!a) return;
    const runs = [await resultOf(a)];
    if (b && b !== a) runs.push(await resultOf(b));
    const tag = (r, i) => `${i === 0 ? "A" : "B"}: ${r.job.request.scenario}`;
    compareChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Union border-procedure occupancy compared: ${runs.map((r, i) => `${tag(r, i)} median peak ${ML.fmt(Math.max(...r.result.occupancy.union.median))}`).join("; ")}.`),
        legend: { top: 0, data: runs.flatMap((r, i) => [`${tag(r, i)} median`, `${tag(r, i)} 5–95 %`]) },
        grid: { left: 60, right: 20, top: 40, bottom: 40 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: runs[0].result.occupancy.dates.map((_, i) => `day ${i + 1}`), axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: "persons in border procedures" },
        series: runs.flatMap((r, i) => bandSeries(tag(r, i), r.result.occupancy.union, ML.OKABE_ITO[i === 0 ? 0 : 5], ML.OKABE_ITO[i === 0 ? 4 : 1], `band${i}`)),
      },
      { notMerge: true },
    );
    const figures = ["arrivals", "applications", "border_entries", "transfers_out", "relocations_out", "decisions", "returns", "pending_at_end", "border_procedure_peak_sum"];
    const shownFigure = (v) => (typeof v === "number" ? ML.fmt(v) : v ? `${ML.fmt(v.median)} (${ML.fmt(v.p5)}–${ML.fmt(v.p95)})` : "–");
    const columns = [{ key: "figure", label: "Union, whole run", format: (v) => v.replace(/_/g, " ") }, ...runs.map((r, i) => ({ key: `r${i}`, label: tag(r, i), format: shownFigure }))];
    const rows = figures.map((f) => Object.fromEntries([["figure", f], ...runs.map((r, i) => [`r${i}`, r.result.summary.union[f]])]));
    $("compare-table").replaceChildren(ML.table(columns, rows, { caption: "Union figures of the compared runs: median (5–95 %)" }));
  }
  $("cmp-a").addEventListener("change", compare);
  $("cmp-b").addEventListener("change", compare);
  await refreshCompare();
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
