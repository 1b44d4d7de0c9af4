/* Scenarios page: run a scenario in the background, watch its progress, see occupancy and flows, compare runs. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.simulations) {
    ML.unavailable("The simulator (migralex.sim) is not available in this build.", $("run"));
    return;
  }

  const [scenarios, countries] = await Promise.all([ML.api("/v1/simulations/scenarios"), ML.api("/v1/countries")]);
  const names = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
  const select = $("scenario");
  for (const s of scenarios) select.append(el("option", { value: s.name }, s.name));
  select.value = byName.baseline ? "baseline" : scenarios[0].name;
  const addDays = (iso, n) => {
    const d = new Date(`${iso}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };
  const longDate = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  /** Warnings for the scenario's shocks and crises that a run of `days` days would not reach. */
  const outside = (s, days) => (s.events || []).filter((e) => e.start > addDays(s.start, days - 1)).map((e) => `${e.label} starts on ${longDate(e.start)}, after the last day of a ${days}-day run (${longDate(addDays(s.start, days - 1))}): it would not be simulated. The scenario's own length is ${s.days} days.`);
  const checkDays = () => {
    const s = byName[select.value];
    const warnings = outside(s, Number($("days").value) || s.days);
    $("days-warning").hidden = !warnings.length;
    $("days-warning").textContent = warnings.join(" ");
  };
  const describe = (keepDays = false) => {
    const s = byName[select.value];
    if (!keepDays) $("days").value = s.days; // the scenario's own length by default
    const events = (s.events || []).map((e) => `${e.label}, ${longDate(e.start)}–${longDate(e.end)}`);
    $("scenario-description").textContent = `${s.description} Runs from ${longDate(s.start)} for ${s.days} days by default (to ${longDate(addDays(s.start, s.days - 1))}).${events.length ? ` Events: ${events.join("; ")}.` : ""}`;
    checkDays();
  };
  select.addEventListener("change", () => describe());
  $("days").addEventListener("input", checkDays);
  if (ML.urlState.get("scenario") && byName[ML.urlState.get("scenario")]) select.value = ML.urlState.get("scenario");
  describe();
  for (const key of ["days", "runs", "seed", "scale"]) if (ML.urlState.get(key)) $(key).value = ML.urlState.get(key);
  checkDays();
  for (const c of ML.byName(countries.filter((c) => c.member_state))) $("occ-ms").append(el("option", { value: c.code }, c.name));

  /** This browser session's runs (ids, oldest first): the comparison offers these, not other people's. */
  const SESSION_KEY = "migralex.scenario-runs";
  const sessionRuns = () => JSON.parse(sessionStorage.getItem(SESSION_KEY) || "[]");
  const remember = (id) => sessionStorage.setItem(SESSION_KEY, JSON.stringify([...sessionRuns().filter((x) => x !== id), id].slice(-12)));

  const occupancyChart = ML.chart($("occupancy"));
  const sankeyChart = ML.chart($("sankey"));
  const compareChart = ML.chart($("compare"));
  const results = {}; // job id -> {job, result}
  let shown = null;

  // ---------- running ----------
  $("run-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("errors").replaceChildren();
    ML.clearFieldErrors($("run-form"));
    const body = { scenario: select.value, days: Number($("days").value), runs: Number($("runs").value), seed: Number($("seed").value), scale: Number($("scale").value) };
    $("run").disabled = true;
    try {
      const job = await ML.api("/v1/simulations", { method: "POST", body });
      remember(job.id);
      ML.urlState.set({ scenario: body.scenario, days: body.days, runs: body.runs, seed: body.seed, scale: body.scale, job: job.id });
      await follow(job.id);
    } catch (err) {
      const labels = { "$.days": "Days", "$.runs": "Runs", "$.seed": "Seed", "$.scale": "Population share", "$.scenario": "Scenario" };
      const detail = err && err.body && err.body.detail;
      const rest = Array.isArray(detail) ? ML.fieldErrors($("run-form"), detail, (path) => $(String(path).replace(/^\$\./, "")), labels) : null;
      if (!rest) ML.showError($("errors"), err);
      else if (rest.length) $("errors").replaceChildren(el("div", { class: "error", role: "alert" }, rest.map((d) => d.text).join(" ")));
      ML.status(statusNode, "The run was not started: see the fields marked above.");
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
        const dates = job.result.occupancy.dates;
        ML.status(statusNode, `${job.request.scenario}: done (${job.request.runs} runs, ${dates.length} days, ${longDate(dates[0])} to ${longDate(dates[dates.length - 1])}).`);
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
        legend: { bottom: 0, data: ["median", "5–95 %", "adequate capacity"] },
        grid: { left: 64, right: 16, top: 36, bottom: 64 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: result.occupancy.dates, name: "date", nameLocation: "middle", nameGap: 26, axisLabel: { hideOverlap: true, formatter: shortDate } },
        yAxis: { type: "value", name: "persons present", nameTextStyle: { align: "left" } },
        series: [
          ...bandSeries("", occ, ML.OKABE_ITO[0], ML.OKABE_ITO[4], "band"),
          { name: "adequate capacity", type: "line", data: occ.median.map(() => occ.adequate_capacity), symbol: "none", itemStyle: { color: ML.OKABE_ITO[5] }, lineStyle: { color: ML.OKABE_ITO[5], type: "dashed", width: 2 }, markArea: eventAreas(result) },
        ],
      },
      { notMerge: true },
    );
    ML.frame($("occupancy"), occupancyChart, {
      title: `Persons in the border procedure, ${place}, ${longDate(result.occupancy.dates[0])} – ${longDate(result.occupancy.dates.at(-1))} (${job.request.scenario})`,
      source: `migralex simulator, ${job.request.runs} run(s), seed ${job.request.seed}, population share ${job.request.scale}; adequate capacity: implementing act under APR Art. 47(5) (Frontex, Eurostat 2021–2023)`,
      name: `occupancy-${job.request.scenario}-${where || "EU"}`,
      data: () => ({
        columns: [{ key: "date" }, { key: "p5" }, { key: "median" }, { key: "p95" }, { key: "adequate_capacity" }, { key: "annual_maximum" }],
        rows: result.occupancy.dates.map((d, i) => ({ date: d, p5: occ.p5[i], median: occ.median[i], p95: occ.p95[i], adequate_capacity: occ.adequate_capacity, annual_maximum: occ.annual_maximum[i] })),
      }),
    });
    $("occ-basis").textContent = `Persons present in the asylum and return border procedures on each day (a head-count): medians and 5–95 % bands over ${job.request.runs} run(s); the dashed line is the adequate capacity (places). ${maximumText(result.occupancy.dates, occ.annual_maximum)} ${result.occupancy.basis}.`;
    $("run-warnings").hidden = !(result.warnings || []).length;
    $("run-warnings").textContent = (result.warnings || []).join(" ");
    drawSankey(result.flows);
    drawTpEnd(result.summary.temporary_protection_end);
  }

  /** The end of temporary protection (scenarios with it): transitions of the stock, median [5–95 %]. */
  function drawTpEnd(tp) {
    $("tp-end").hidden = !tp;
    if (!tp) return;
    const band = (v) => (typeof v === "number" ? ML.fmt(v) : `${ML.fmt(v.median)} [${ML.fmt(v.p5)}–${ML.fmt(v.p95)}]`);
    const keys = Object.keys(tp.outcomes);
    const columns = [{ key: "where", label: "Where" }, ...keys.map((k) => ({ key: k, label: tp.outcomes[k].split(" (")[0], format: band }))];
    const rows = [{ where: "Union", ...tp.union }, ...Object.entries(tp.member_states).filter(([, v]) => Object.values(v).some((x) => (typeof x === "number" ? x : x.median) > 0)).map(([ms, v]) => ({ where: names[ms] || ms, ...v }))];
    $("tp-end-table").replaceChildren(ML.table(columns, rows, { caption: `Transitions at the end of temporary protection on ${tp.end_date}` }));
    $("tp-end-basis").textContent = `Temporary protection ends on ${tp.end_date} (${tp.basis}). Stock of ${tp.stock_month} (Eurostat migr_asytpsm). The shares are assumptions drawn per run (see the scenario file); applications for international protection join the simulated population. ${tp.notes.join(" ")}`;
  }

  /** "2027-09-12" → "12 Sep 27" on time axes (short enough for a phone). */
  function shortDate(iso) {
    const d = new Date(`${iso}T00:00:00Z`);
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "2-digit", timeZone: "UTC" });
  }

  /** The scenario's shocks and crises as shaded, labelled date ranges on a time chart. */
  function eventAreas(result, dates = result.occupancy.dates, prefix = "") {
    const inRun = (result.events || []).filter((e) => e.start <= dates.at(-1) && e.end >= dates[0]);
    if (!inRun.length) return undefined;
    return {
      silent: true,
      itemStyle: { color: "rgba(213, 94, 0, 0.12)" },
      label: { show: true, position: "insideTop", fontSize: 10, color: "#7a3b00", formatter: (p) => p.name },
      data: inRun.map((e) => [{ name: prefix + e.label.split(" (")[0], xAxis: e.start < dates[0] ? dates[0] : e.start }, { xAxis: e.end > dates.at(-1) ? dates.at(-1) : e.end }]),
    };
  }

  /** The annual maximum (APR Art. 47(1)) is a yearly count of applications, not persons present: said in words. */
  function maximumText(dates, maximum) {
    const parts = [];
    maximum.forEach((v, i) => {
      if (i === 0 || v !== maximum[i - 1]) parts.push(`${ML.fmt(v)} from ${longDate(dates[i])}`);
    });
    return `The annual maximum of applications examined in the border procedure (a yearly count, not persons present, so not drawn here) is ${parts.join(", then ")}.`;
  }

  function drawSankey(flows) {
    // A Sankey needs an acyclic graph: flows back to an earlier stage are listed under the chart.
    const order = ["arrival", ...flows.stages];
    const forward = flows.union.filter((f) => order.indexOf(f.target) > order.indexOf(f.source) && f.median > 0);
    const back = flows.union.filter((f) => f.target !== f.source && order.indexOf(f.target) < order.indexOf(f.source) && f.median > 0);
    const used = new Set(forward.flatMap((f) => [f.source, f.target]));
    const label = (s) => s.replace(/_/g, " ");
    // A label is as wide as the gap to the next column of nodes (no label runs into the next one's).
    const depth = {};
    for (const s of order) depth[s] = Math.max(0, ...forward.filter((f) => f.target === s).map((f) => (depth[f.source] ?? 0) + 1));
    const columns = Math.max(1, ...Object.values(depth));
    const gap = ($("sankey").clientWidth - 8 - 120 - 14) / columns;
    const labelWidth = Math.max(48, Math.floor(gap - 14 - 8));
    sankeyChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Flows between stages in the Union: ${forward.length} flows; largest ${forward.sort((a, b) => b.median - a.median).slice(0, 3).map((f) => `${label(f.source)} to ${label(f.target)} ${ML.fmt(f.median)}`).join(", ")}.`),
        tooltip: { trigger: "item", formatter: (p) => (p.dataType === "edge" ? `${label(p.data.source)} → ${label(p.data.target)}: ${ML.fmt(p.data.value)} (5–95 %: ${ML.fmt(p.data.p5)}–${ML.fmt(p.data.p95)})` : label(p.name)) },
        series: [
          {
            type: "sankey",
            left: 8,
            right: 120,
            top: 8,
            bottom: 8,
            nodeGap: 14,
            nodeWidth: 14,
            layoutIterations: 64,
            emphasis: { focus: "adjacency" },
            data: order.filter((s) => used.has(s)).map((s, i) => ({ name: s, itemStyle: { color: ML.OKABE_ITO[i % ML.OKABE_ITO.length] } })),
            links: forward.map((f) => ({ source: f.source, target: f.target, value: f.median, p5: f.p5, p95: f.p95 })),
            label: { formatter: (p) => label(p.name), fontSize: 11, width: labelWidth, overflow: "break", lineHeight: 13, backgroundColor: "rgba(255,255,255,0.75)", padding: [1, 2] },
            labelLayout: { hideOverlap: true },
            lineStyle: { color: "gradient", opacity: 0.35 },
          },
        ],
      },
      { notMerge: true },
    );
    ML.frame($("sankey"), sankeyChart, {
      title: "Persons moving between stages of the procedure, Union, whole run (medians)",
      source: "migralex simulator (flows between stages; loops within a stage are not drawn)",
      name: "flows",
      data: () => ({ columns: [{ key: "source" }, { key: "target" }, { key: "p5" }, { key: "median" }, { key: "p95" }], rows: flows.union }),
    });
    $("flows-back").textContent = back.length ? `Flows back to an earlier stage (not drawn): ${back.map((f) => `${label(f.source)} → ${label(f.target)} ${ML.fmt(f.median)}`).join("; ")}.` : "";
  }

  $("occ-ms").addEventListener("change", render);

  // ---------- comparing ----------
  async function refreshCompare() {
    const jobs = [];
    for (const id of sessionRuns()) {
      try {
        const r = await resultOf(id);
        if (r.job.state === "done") jobs.push(r.job);
      } catch {
        /* a run the server no longer keeps */
      }
    }
    $("cmp-empty").hidden = jobs.length >= 2;
    const labelOf = (j) => `${j.request.scenario} · ${j.result.occupancy.dates.length} days · ${j.request.runs} runs · seed ${j.request.seed} · started ${new Date(j.submitted).toLocaleTimeString("en-GB")}`;
    for (const id of ["cmp-a", "cmp-b"]) $(id).replaceChildren(...jobs.map((j) => el("option", { value: j.id }, labelOf(j))));
    if (jobs.length) {
      // the user's two latest runs: A the one before, B the latest
      $("cmp-b").value = jobs.at(-1).id;
      $("cmp-a").value = (jobs.at(-2) || jobs.at(-1)).id;
    }
    await compare();
  }

  async function resultOf(id) {
    if (!results[id] || !results[id].result) {
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
        aria: ML.aria(`Union border-procedure occupancy compared: ${runs.map((r, i) => `${tag(r, i)} median peak ${ML.fmt(Math.max(...r.result.occupancy.union.median))}${(r.result.events || []).length ? `, events: ${r.result.events.map((e) => `${e.label} from ${longDate(e.start)}`).join(", ")}` : ""}`).join("; ")}.`),
        legend: { bottom: 0, data: runs.flatMap((r, i) => [`${tag(r, i)} median`, `${tag(r, i)} 5–95 %`]) },
        grid: { left: 64, right: 16, top: 36, bottom: 72 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: runs[0].result.occupancy.dates, name: "date", nameLocation: "middle", nameGap: 26, axisLabel: { hideOverlap: true, formatter: shortDate } },
        yAxis: { type: "value", name: "persons present", nameTextStyle: { align: "left" } },
        series: runs.flatMap((r, i) => {
          const series = bandSeries(tag(r, i), r.result.occupancy.union, ML.OKABE_ITO[i === 0 ? 0 : 5], ML.OKABE_ITO[i === 0 ? 4 : 1], `band${i}`);
          // each run's shocks and crises, shaded and labelled with the run they belong to (docs/style.md)
          series[2].markArea = eventAreas(r.result, runs[0].result.occupancy.dates, `${i === 0 ? "A" : "B"}: `);
          return series;
        }),
      },
      { notMerge: true },
    );
    const figures = ["arrivals", "applications", "border_entries", "transfers_out", "relocations_out", "decisions", "returns", "pending_at_end", "border_procedure_peak_sum"];
    // after the return decision (sim/returns.py): the effect of recognising return decisions across Member States
    figures.push(...["voluntary_departures", "absconded", "returned_from_elsewhere", "onward_applications", "secondary_movements_at_end"].filter((f) => runs.some((r) => f in r.result.summary.union)));
    const shownFigure = (v) => (typeof v === "number" ? ML.fmt(v) : v ? `${ML.fmt(v.median)} (${ML.fmt(v.p5)}–${ML.fmt(v.p95)})` : "–");
    const columns = [{ key: "figure", label: "Union, whole run", format: (v) => v.replace(/_/g, " ") }, ...runs.map((r, i) => ({ key: `r${i}`, label: tag(r, i), format: shownFigure }))];
    const rows = figures.map((f) => Object.fromEntries([["figure", f], ...runs.map((r, i) => [`r${i}`, r.result.summary.union[f]])]));
    ML.frame($("compare"), compareChart, {
      title: `Persons in the border procedure, Union: ${runs.map((r, i) => tag(r, i)).join(" vs ")}`,
      source: "migralex simulator, your runs in this browser session",
      name: "compare",
      data: () => ({ columns: [{ key: "date" }, ...runs.map((r, i) => ({ key: `r${i}`, label: `${tag(r, i)} median` }))], rows: runs[0].result.occupancy.dates.map((d, k) => Object.fromEntries([["date", d], ...runs.map((r, i) => [`r${i}`, r.result.occupancy.union.median[k]])])) }),
    });
    $("compare-table").replaceChildren(ML.table(columns, rows, { caption: "Union figures of the compared runs: median (5–95 %)" }));
  }
  $("cmp-a").addEventListener("change", compare);
  $("cmp-b").addEventListener("change", compare);
  const linked = ML.urlState.get("job");
  if (linked) {
    try {
      remember(linked);
      await follow(linked);
    } catch {
      ML.status(statusNode, "The linked run is no longer kept by the server: run it again with the same settings.");
    }
  }
  await refreshCompare();
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
