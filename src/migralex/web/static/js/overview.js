/* Overview page: a map of Europe coloured by one indicator of the annual cycle, bars, the ≤ 20 % list. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const statusNode = $("status");
  const map = ML.chart($("map"));
  const bars = ML.chart($("bars"));
  let summary = null;

  const geo = await ML.europe();
  // one name per State everywhere: the names of /v1/countries (the map's own names only where it has no other)
  const names = Object.fromEntries(geo.features.map((f) => [f.properties.iso2, f.properties.name]));
  const euCodes = geo.features.filter((f) => f.properties.eu).map((f) => f.properties.iso2);

  const health = await ML.api("/v1/health");
  if (!health.capabilities.cycle) {
    ML.unavailable("The annual cycle (migralex.cycle) is not available in this build: the map shows the Member States only.");
    drawMap([], { label: "Member States", unit: "" });
    return;
  }

  /** The indicators the map can show: a column of one section of the cycle summary. */
  const INDICATORS = [
    // axis: the unit in words; source: dataset; words: the formula in words with its article (never code names)
    { key: "score", section: "pressure", label: "Pressure score (analyst's aid)", unit: "", axis: "score (1 = Union average)", period: "applications", source: "Eurostat migr_asyappctza, demo_gind, migr_eirfs, migr_eipre, migr_asytpsm; Frontex", words: "A weighted average of the Member State's applications (35 %), irregular crossings (30 %), temporary protection (15 %), persons found illegally present (10 %) and refusals of entry (10 %), each per inhabitant and relative to the Union's average (capped at 4). 1.5 or more, or 50 sea arrivals per 100,000 inhabitants, makes it a pressure candidate. An analyst's aid: the decision is the Commission's (AMMR Art. 11)." },
    { key: "relocations", section: "solidarity", label: "Fair share of the pool (relocations)", unit: "", axis: "relocations", period: "population", source: "Eurostat demo_gind (population), IMF World Economic Outlook (GDP)", words: "The Member State's share of the reference key (half its share of the Union's population, half its share of the Union's GDP) × the relocations in the pool, rounded so that the shares add up to the pool (largest remainder) — AMMR Art. 57(3), Art. 66 and Annex I." },
    { key: "financial_eur", section: "solidarity", label: "Fair share of the pool (euro)", unit: "eur", axis: "EUR", period: "population", source: "Eurostat demo_gind (population), IMF World Economic Outlook (GDP)", words: "The Member State's share of the reference key × the financial contributions of the pool, rounded to the euro so that the shares add up (largest remainder) — AMMR Art. 57(3), Art. 66 and Annex I." },
    { key: "adequate_capacity", section: "capacity", label: "Adequate capacity (border procedure)", unit: "", axis: "places", period: "irregular_crossings", source: "Frontex detections by route split by Eurostat migr_eipre; Eurostat migr_eirfs", words: "30,000 × the Member State's irregular border crossings, arrivals after search and rescue and refusals of entry over three years ÷ the same for the Union, rounded so that the capacities add up to 30,000 (largest remainder) — APR Art. 46 and Art. 47(1)." },
    { key: "applications_per_100k", section: "indicators", label: "Applications per 100,000 inhabitants", unit: "", axis: "applications per 100,000 inhabitants", period: "applications", source: "Eurostat migr_asyappctza, demo_gind", words: "Applications for international protection ÷ population on 1 January × 100,000 — AMMR Art. 9(3)(a)(i)." },
    { key: "irregular_crossings_per_100k", section: "indicators", label: "Irregular crossings per 100,000", unit: "", axis: "irregular crossings per 100,000 inhabitants", period: "irregular_crossings", source: "Frontex (by route, split to Member States), Eurostat demo_gind", words: "Irregular border crossings ÷ population on 1 January × 100,000 — AMMR Art. 9(3)(a)(v)." },
    { key: "temporary_protection_per_100k", section: "indicators", label: "Temporary protection per 100,000", unit: "", axis: "beneficiaries per 100,000 inhabitants", period: "temporary_protection", source: "Eurostat migr_asytpsm (Ukrainians), demo_gind", words: "Beneficiaries of temporary protection at the end of the period (Ukrainians; the latest month shipped where the period is later) per 100,000 inhabitants on 1 January — AMMR Art. 9(3)(a)(xv); the stock also counts in the cumulative arrivals of Art. 10(3)." },
    { key: "recognition_rate", section: "indicators", label: "Recognition rate (first instance)", unit: "ratio", axis: "% of first-instance decisions", period: "recognition_rate", source: "UNHCR first-instance decisions", words: "Decisions granting refugee status or subsidiary protection ÷ (those + rejections), first instance — AMMR Art. 9(3)(a)(iii)-(iv)." },
  ];

  const [meta, countries] = await Promise.all([ML.api("/v1/cycle"), ML.api("/v1/countries")]);
  const countryNames = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  Object.assign(names, countryNames);
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
      ML.status(statusNode, `Cycle ${c.year}: in October ${c.year} the Commission reports on ${c.indicator_year} and proposes the solidarity pool for ${c.pool_year} (AMMR Arts 9 and 12); the border-procedure capacity uses data of ${c.capacity_years.join("–")}.`);
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
    basis.replaceChildren(`${ind.label}: ${ind.description}`, ind.basis ? ` — ${ind.basis}` : "", ML.el("br"), `How it is computed: ${ind.words}`);
    const period = summary.cycle.indicator_periods?.[ind.period] || "";
    const source = `${ind.source}${period ? `, ${period}` : ""}; computed by migralex (cycle ${summary.cycle.year})`;
    const stem = `${ind.key}-cycle-${summary.cycle.year}`;
    const csvData = () => ({ columns: [{ key: "member_state", label: "member_state" }, { key: "name", label: "name" }, { key: "value", label: ind.key }], rows: ML.byName(rows) });
    ML.frame($("map"), map, { title: `${ind.label}, by Member State, cycle ${summary.cycle.year}${period ? ` (${period})` : ""}`, source, name: `map-${stem}`, data: csvData });
    ML.frame($("bars"), bars, { title: `${ind.label}, Member States ranked`, source, name: `bars-${stem}`, data: csvData });
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
          ? { type: "continuous", min, max, left: 10, bottom: 10, itemHeight: 110, calculable: false, text: [ML.fmt(max, ind.unit), ML.fmt(min, ind.unit)], inRange: { color: palette() }, seriesIndex: 0 }
          : undefined,
        graphic: values.length ? [{ type: "text", left: 10, bottom: 188, style: { text: ind.axis || "", fontSize: 12, fontWeight: 600, fill: "#333", width: 150, overflow: "break" } }] : undefined,
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
        grid: { left: 110, right: 30, top: 10, bottom: 48 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => ML.fmt(v, ind.unit) },
        xAxis: { type: "value", name: ind.axis, nameLocation: "middle", nameGap: 28, axisLabel: { formatter: (v) => ML.fmt(v, ind.unit), hideOverlap: true } },
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
      { label: "Pressure candidates", value: figure("pressure", "pressure_candidates").value, basis: "analyst's aid, AMMR Art. 11", names: ML.byName(summary.pressure.rows.filter((r) => r.pressure_candidate).map((r) => ({ name: names[r.member_state] || r.member_state }))).map((r) => r.name) },
    ];
    $("kpis").replaceChildren(
      ...kpis.map((k) => ML.el("div", { class: "kpi" }, ML.el("div", { class: "v" }, ML.fmt(k.value, k.unit)), ML.el("div", { class: "k" }, k.label, k.basis ? ` (${k.basis})` : ""), k.names ? ML.el("div", { class: "k", id: "pressure-candidates" }, k.names.length ? k.names.join(", ") : "none") : null)),
    );
  }

  function drawTable(merged, current) {
    const columns = [
      { key: "name", label: "Member State" },
      ...INDICATORS.map((i) => ({ key: i.key, label: i.key === current.key ? `▸ ${i.label}` : i.label, unit: i.unit })),
    ];
    const rows = ML.byName(merged);
    $("table").replaceChildren(ML.table(columns, rows, { caption: `Indicators of the ${summary.cycle.year} cycle by Member State` }));
  }

  function drawLowRate() {
    const list = summary.border_list;
    const box = $("low-rate");
    const reading = { decisions: "rate = grants ÷ (grants + rejections)", decisions_incl_closed: "rate = grants ÷ (grants + rejections + cases otherwise closed)" }[list.reading] || list.reading;
    const head = ML.el("p", { class: "hint" }, `${list.basis}; threshold ${ML.fmt(list.threshold, "ratio")} (${reading}). Source: UNHCR first-instance decisions, ${list.year}. ${list.note || ""}`);
    if (list.status !== "computed") {
      box.replaceChildren(head, ML.el("p", {}, "Not available in this build."));
      return;
    }
    if (!list.rows.length) {
      box.replaceChildren(head, ML.el("p", {}, "No nationality at or below the threshold."));
      return;
    }
    const columns = [
      { key: "citizenship", label: "Nationality", format: (v) => countryNames[v] || v },
      { key: "rate", label: "Recognition rate", unit: "ratio" },
      { key: "total", label: "Decisions" },
      { key: "granted", label: "Granted" },
      { key: "rejected", label: "Rejected" },
    ];
    const minimum = Math.max(0, Number(ML.urlState.get("min_decisions") ?? 100) || 0);
    const all = [...list.rows].sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
    const rows = all.filter((r) => (r.total ?? 0) >= minimum);
    const input = ML.el("input", { type: "number", id: "min-decisions", min: 0, step: 10, value: minimum, style: "width:7rem" });
    input.addEventListener("change", () => {
      ML.urlState.set({ min_decisions: input.value });
      drawLowRate();
    });
    box.replaceChildren(
      head,
      ML.el("div", { class: "controls" }, ML.el("div", { class: "field" }, ML.el("label", { for: "min-decisions" }, "Show nationalities with at least … decisions"), input)),
      ML.el("p", { id: "low-rate-count" }, `${rows.length} of the ${all.length} nationalities at or below the threshold in the ${list.year} data, most decisions first; ${all.length - rows.length} with fewer than ${ML.fmt(minimum)} decisions are not shown (the legal list, APR Art. 42(1)(j), includes them all).`),
      ML.el("div", { class: "table-wrap" }, ML.table(columns, rows, { caption: "Nationalities at or below the recognition-rate threshold" })),
    );
  }
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
