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

  const meta = await ML.api("/v1/cycle");
  const yearSelect = $("year");
  for (const y of meta.years) yearSelect.append(ML.el("option", { value: y }, String(y)));
  yearSelect.value = String(meta.default_year);
  const indicatorSelect = $("indicator");
  for (const ind of meta.indicators) indicatorSelect.append(ML.el("option", { value: ind.key }, ind.label));
  const params = new URLSearchParams(location.search);
  if (params.get("year")) yearSelect.value = params.get("year");
  if (params.get("indicator")) indicatorSelect.value = params.get("indicator");

  yearSelect.addEventListener("change", load);
  indicatorSelect.addEventListener("change", render);
  $("palette").addEventListener("change", render);
  await load();

  async function load() {
    ML.status(statusNode, `Computing the ${yearSelect.value} cycle…`);
    try {
      summary = await ML.api(`/v1/cycle/${encodeURIComponent(yearSelect.value)}`);
      ML.status(statusNode, `Cycle ${summary.year}: indicators of ${summary.indicator_year}, pool year ${summary.pool_year}.`);
      render();
    } catch (err) {
      ML.showError($("table"), err);
      ML.status(statusNode, "Could not compute this cycle.");
    }
  }

  function indicatorMeta() {
    return meta.indicators.find((i) => i.key === indicatorSelect.value) || meta.indicators[0];
  }

  function render() {
    if (!summary) return;
    const ind = indicatorMeta();
    const rows = summary.member_states.map((r) => ({ member_state: r.member_state, name: names[r.member_state] || r.member_state, value: r[ind.key] }));
    drawMap(rows, ind);
    drawBars(rows, ind);
    drawKpis();
    drawTable(ind);
    drawLowRate();
    $("indicator-basis").textContent = ind.basis ? `${ind.label}: ${ind.description} (${ind.basis})` : ind.description || "";
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
    $("map").setAttribute("aria-label", `Map of Europe: ${ind.label} by Member State${values.length ? `, from ${ML.fmt(min, ind.unit)} to ${ML.fmt(max, ind.unit)}` : ""}`);
    map.setOption(
      {
        ...ML.base,
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
          ? { type: "continuous", min, max, left: 10, bottom: 10, calculable: true, text: [ML.fmt(max, ind.unit), ML.fmt(min, ind.unit)], inRange: { color: palette() }, seriesIndex: 0 }
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
    $("bars").setAttribute("aria-label", `Bar chart of ${ind.label} by Member State, highest ${sorted.length ? sorted[sorted.length - 1].name : ""}`);
    bars.setOption(
      {
        ...ML.base,
        grid: { left: 110, right: 30, top: 10, bottom: 30 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => ML.fmt(v, ind.unit) },
        xAxis: { type: "value", axisLabel: { formatter: (v) => ML.fmt(v, ind.unit) } },
        yAxis: { type: "category", data: sorted.map((r) => r.name), axisLabel: { interval: 0, fontSize: 11 } },
        series: [{ type: "bar", name: ind.label, data: sorted.map((r) => r.value), itemStyle: { color: ML.OKABE_ITO[0] } }],
      },
      { notMerge: true },
    );
  }

  function drawKpis() {
    const box = $("kpis");
    box.replaceChildren(...(summary.headline || []).map((k) => ML.el("div", { class: "kpi" }, ML.el("div", { class: "v" }, ML.fmt(k.value, k.unit)), ML.el("div", { class: "k" }, k.label, k.basis ? ` (${k.basis})` : ""))));
  }

  function drawTable(current) {
    const columns = [{ key: "name", label: "Member State", format: (v) => v }, ...meta.indicators.map((i) => ({ key: i.key, label: i.key === current.key ? `${i.label} ▸` : i.label, unit: i.unit }))];
    const rows = summary.member_states.map((r) => ({ ...r, name: names[r.member_state] || r.member_state })).sort((a, b) => a.name.localeCompare(b.name));
    $("table").replaceChildren(ML.table(columns, rows, { caption: `Indicators of the ${summary.year} cycle by Member State` }));
  }

  function drawLowRate() {
    const low = summary.low_recognition || { nationalities: [] };
    const box = $("low-rate");
    if (!low.nationalities.length) {
      box.replaceChildren(ML.el("p", { class: "hint" }, "No nationality at or below the threshold in this year's data."));
      return;
    }
    const columns = [
      { key: "nationality", label: "Nationality", format: (v, r) => `${r.name || v} (${v})` },
      { key: "rate", label: "Recognition rate", unit: "ratio" },
      { key: "decisions", label: "Decisions" },
    ];
    box.replaceChildren(ML.el("p", { class: "hint" }, low.basis || ""), ML.el("div", { class: "table-wrap" }, ML.table(columns, low.nationalities, { caption: "Nationalities at or below the recognition-rate threshold" })));
  }
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
