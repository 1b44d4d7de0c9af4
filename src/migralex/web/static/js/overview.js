/* Overview page: a map of Europe coloured by one indicator of the annual cycle, bars, the ≤ 20 % list. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const statusNode = $("status");
  const map = ML.chart($("map"));
  const bars = ML.chart($("bars"));
  let summary = null;

  const geo = await ML.europe();
  const names = Object.fromEntries(geo.features.map((f) => [f.properties.iso2, f.properties.name]));
  const euCodes = geo.features.filter((f) => f.properties.eu).map((f) => f.properties.iso2);

  const health = await ML.api("/v1/health");
  if (!health.capabilities.cycle) {
    const note = $("unavailable");
    note.hidden = false;
    note.textContent = "The annual cycle (migralex.cycle) is not available in this build: the map shows the Member States only.";
    drawMap([], { label: "Member States", unit: "" });
    return;
  }

  /** The indicators the map can show: a column of one section of the cycle summary. */
  const INDICATORS = [
    { key: "score", section: "pressure", label: "Pressure score (analyst's aid)", unit: "" },
    { key: "relocations", section: "solidarity", label: "Fair share of the pool (relocations)", unit: "" },
    { key: "financial_eur", section: "solidarity", label: "Fair share of the pool (euro)", unit: "eur" },
    { key: "adequate_capacity", section: "capacity", label: "Adequate capacity (border procedure)", unit: "" },
    { key: "applications_per_100k", section: "indicators", label: "Applications per 100,000 inhabitants", unit: "" },
    { key: "irregular_crossings_per_100k", section: "indicators", label: "Irregular crossings per 100,000", unit: "" },
    { key: "recognition_rate", section: "indicators", label: "Recognition rate (first instance)", unit: "ratio" },
  ];

  const [meta, countries] = await Promise.all([ML.api("/v1/cycle"), ML.api("/v1/countries")]);
  const countryNames = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  const yearSelect = $("year");
  for (const y of meta.years) yearSelect.append(ML.el("option", { value: y }, String(y)));
  yearSelect.value = String(meta.default_year);
  const indicatorSelect = $("indicator");
  for (const ind of INDICATORS) indicatorSelect.append(ML.el("option", { value: ind.key }, ind.label));
  const params = new URLSearchParams(location.search);
  if (params.get("year") && meta.years.includes(Number(params.get("year")))) yearSelect.value = params.get("year");
  if (params.get("indicator") && INDICATORS.some((i) => i.key === params.get("indicator"))) indicatorSelect.value = params.get("indicator");

  yearSelect.addEventListener("change", load);
  indicatorSelect.addEventListener("change", render);
  $("palette").addEventListener("change", render);
  await load();

  async function load() {
    ML.status(statusNode, `Computing the ${yearSelect.value} cycle…`);
    try {
      summary = await ML.api(`/v1/cycle/${encodeURIComponent(yearSelect.value)}`);
      const c = summary.cycle;
      ML.status(statusNode, `Cycle ${c.year}: indicators of ${c.indicator_year}, pool of ${c.pool_year}, capacity data ${c.capacity_years.join("–")}.`);
      render();
    } catch (err) {
      ML.showError($("table"), err);
      ML.status(statusNode, "Could not compute this cycle.");
    }
  }

  function indicatorMeta() {
    const ind = INDICATORS.find((i) => i.key === indicatorSelect.value) || INDICATORS[0];
    const column = summary[ind.section].columns[ind.key] || {};
    return { ...ind, description: column.description || "", basis: column.basis || "", formula: column.formula || "" };
  }

  /** One row per Member State with every indicator, merged from the sections of the summary. */
  function mergedRows() {
    const byMs = {};
    for (const ind of INDICATORS) {
      for (const row of summary[ind.section].rows) {
        const r = (byMs[row.member_state] ||= { member_state: row.member_state, name: names[row.member_state] || row.member_state });
        r[ind.key] = row[ind.key];
      }
    }
    return Object.values(byMs);
  }

  function render() {
    if (!summary) return;
    const ind = indicatorMeta();
    const merged = mergedRows();
    const rows = merged.map((r) => ({ member_state: r.member_state, name: r.name, value: r[ind.key] }));
    drawMap(rows, ind);
    drawBars(rows, ind);
    drawKpis();
    drawTable(merged, ind);
    drawLowRate();
    const basis = $("indicator-basis");
    basis.replaceChildren(`${ind.label}: ${ind.description}`, ind.basis ? ` — ${ind.basis}` : "", ind.formula ? ML.el("br") : "", ind.formula ? `Formula: ${ind.formula}` : "");
    if (ind.section === "pressure") basis.append(ML.el("br"), ML.el("em", {}, summary.disclaimer));
    const url = new URL(location.href);
    url.searchParams.set("year", yearSelect.value);
    url.searchParams.set("indicator", ind.key);
    history.replaceState(null, "", url);
  }

  function palette() {
    return $("palette").value === "cividis" ? ML.CIVIDIS : ML.VIRIDIS;
  }

  function drawMap(rows, ind) {
    const values = rows.map((r) => r.value).filter((v) => typeof v === "number");
    const min = values.length ? Math.min(...values) : 0;
    const max = values.length ? Math.max(...values) : 1;
    const byCode = Object.fromEntries(rows.map((r) => [r.member_state, r.value]));
    const data = geo.features.map((f) => {
      const code = f.properties.iso2;
      const value = byCode[code];
      const item = { name: code, value: typeof value === "number" ? value : null };
      if (!f.properties.eu) item.itemStyle = { areaColor: ML.NON_EU, borderColor: "#c9ccd1" };
      else if (item.value === null) item.itemStyle = { areaColor: ML.NO_DATA };
      return item;
    });
    const description = `Map of Europe: ${ind.label} by Member State${values.length ? `, from ${ML.fmt(min, ind.unit)} to ${ML.fmt(max, ind.unit)}` : ""}.`;
    map.setOption(
      {
        ...ML.base,
        aria: ML.aria(description),
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const code = p.name;
            const label = names[code] || code;
            if (!euCodes.includes(code)) return `${label}<br><small>not an EU Member State</small>`;
            return `<strong>${label}</strong><br>${ind.label}: ${ML.fmt(p.value, ind.unit)}`;
          },
        },
        visualMap: values.length
          ? { type: "continuous", min, max, left: 10, bottom: 10, calculable: false, text: [ML.fmt(max, ind.unit), ML.fmt(min, ind.unit)], inRange: { color: palette() }, seriesIndex: 0 }
          : undefined,
        series: [
          {
            type: "map",
            map: "europe",
            nameProperty: "iso2",
            projection: ML.LAEA,
            roam: true,
            scaleLimit: { min: 1, max: 8 },
            center: [10, 51],
            zoom: 1.15,
            itemStyle: { borderColor: "#ffffff", borderWidth: 0.6, areaColor: ML.NO_DATA },
            emphasis: { label: { show: false }, itemStyle: { areaColor: "#E69F00" } },
            select: { disabled: true },
            data,
          },
        ],
      },
      { notMerge: true },
    );
  }

  function drawBars(rows, ind) {
    const sorted = rows.filter((r) => typeof r.value === "number").sort((a, b) => a.value - b.value);
    const top = sorted.slice(-3).reverse().map((r) => `${r.name} ${ML.fmt(r.value, ind.unit)}`).join(", ");
    bars.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Bar chart of ${ind.label} by Member State; highest: ${top}.`),
        grid: { left: 110, right: 30, top: 10, bottom: 30 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => ML.fmt(v, ind.unit) },
        xAxis: { type: "value", axisLabel: { formatter: (v) => ML.fmt(v, ind.unit) } },
        yAxis: { type: "category", data: sorted.map((r) => r.name), axisLabel: { interval: 0, fontSize: 11 } },
        series: [{ type: "bar", name: ind.label, data: sorted.map((r) => r.value), itemStyle: { color: ML.OKABE_ITO[0] } }],
      },
      { notMerge: true },
    );
  }

  function figure(section, name) {
    return (summary[section].figures || []).find((f) => f.name === name) || {};
  }

  function drawKpis() {
    const pool = summary.solidarity.pool;
    const kpis = [
      { label: `Pool ${summary.cycle.pool_year}: relocations`, value: pool.relocations, basis: "AMMR Art. 12(2)(a)" },
      { label: `Pool ${summary.cycle.pool_year}: financial contributions`, value: pool.financial_eur, unit: "eur", basis: "AMMR Art. 12(2)(b)" },
      { label: "Adequate capacity, Union", value: figure("capacity", "union_adequate_capacity").value, basis: figure("capacity", "union_adequate_capacity").basis },
      { label: "Pressure candidates", value: figure("pressure", "pressure_candidates").value, basis: "analyst's aid, AMMR Art. 11" },
    ];
    $("kpis").replaceChildren(
      ...kpis.map((k) => ML.el("div", { class: "kpi" }, ML.el("div", { class: "v" }, ML.fmt(k.value, k.unit)), ML.el("div", { class: "k" }, k.label, k.basis ? ` (${k.basis})` : ""))),
    );
  }

  function drawTable(merged, current) {
    const columns = [
      { key: "name", label: "Member State", format: (v, r) => `${v} (${r.member_state})` },
      ...INDICATORS.map((i) => ({ key: i.key, label: i.key === current.key ? `▸ ${i.label}` : i.label, unit: i.unit })),
    ];
    const rows = [...merged].sort((a, b) => a.name.localeCompare(b.name));
    $("table").replaceChildren(ML.table(columns, rows, { caption: `Indicators of the ${summary.cycle.year} cycle by Member State` }));
  }

  function drawLowRate() {
    const list = summary.border_list;
    const box = $("low-rate");
    const head = ML.el("p", { class: "hint" }, `${list.basis}; threshold ${ML.fmt(list.threshold, "ratio")} (reading: ${list.reading}). ${list.note || ""}`);
    if (list.status !== "computed") {
      box.replaceChildren(head, ML.el("p", {}, "Not available in this build."));
      return;
    }
    if (!list.rows.length) {
      box.replaceChildren(head, ML.el("p", {}, "No nationality at or below the threshold."));
      return;
    }
    const keys = Object.keys(list.rows[0]).filter((k) => k !== "year" && k !== "citizenship");
    const columns = [
      { key: "citizenship", label: "Nationality", format: (v) => `${countryNames[v] || v} (${v})` },
      ...keys.map((k) => ({ key: k, label: k.replace(/_/g, " "), unit: /rate|share/.test(k) ? "ratio" : undefined })),
    ];
    const rows = [...list.rows].sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
    box.replaceChildren(
      head,
      ML.el("p", {}, `${rows.length} nationalities in the ${list.year} data, most decisions first.`),
      ML.el("div", { class: "table-wrap" }, ML.table(columns, rows, { caption: "Nationalities at or below the recognition-rate threshold" })),
    );
  }
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
