/* Early-warning page: a series with its forecast and bands, the alerts, the back-test scores. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;

  const health = await ML.api("/v1/health");
  if (!health.capabilities.forecast) {
    ML.unavailable("Forecasting (migralex.forecast) is not available in this build.", $("go"));
    return;
  }

  const catalogue = await ML.api("/v1/forecast/series");
  const select = $("series");
  const groups = { month: "Monthly", week: "Weekly", year: "Annual" };
  for (const [freq, label] of Object.entries(groups)) {
    const group = el("optgroup", { label });
    for (const s of catalogue.filter((c) => c.freq === freq)) group.append(el("option", { value: s.series_id }, `${s.label} (${s.series_id})`));
    select.append(group);
  }
  select.value = "frontex:EU";
  const labels = Object.fromEntries(catalogue.map((s) => [s.series_id, s.label]));
  const bySeries = Object.fromEntries(catalogue.map((s) => [s.series_id, s]));
  const fcChart = ML.chart($("fc-chart"));

  async function showForecast() {
    const params = new URLSearchParams({ series: select.value, horizon: $("horizon").value || "12", model: $("model").value, history: "48" });
    const asOf = $("as-of").value.trim();
    if (asOf) params.set("as_of", asOf);
    ML.status($("fc-status"), "Forecasting…");
    $("fc-errors").replaceChildren();
    try {
      const data = await ML.api(`/v1/forecast?${params}`);
      draw(data);
      ML.status($("fc-status"), `${labels[select.value]}: ${data.forecast.length} periods ahead, as of ${data.as_of || "the latest data"}.`);
    } catch (err) {
      ML.status($("fc-status"), "");
      ML.showError($("fc-errors"), err);
    }
  }

  /** "month", "week" or "year": the length of one period of a series. */
  function periodWord(id) {
    return bySeries[id]?.freq || "period";
  }

  /** What a series counts, in the words of its source. */
  function unitOf(id) {
    const source = bySeries[id]?.source || "";
    if (source.startsWith("frontex")) return "detections";
    if (source.startsWith("italy")) return "sea arrivals";
    if (source.startsWith("applications")) return "asylum applicants";
    return "persons";
  }

  function draw(data) {
    const observed = data.observed;
    const fc = data.forecast;
    const dates = [...observed.map((r) => r.ds), ...fc.map((r) => r.ds)];
    const pad = (values, before) => [...Array(before).fill(null), ...values];
    const n = observed.length;
    const lo95 = pad(fc.map((r) => r.lo95), n);
    const lo80 = pad(fc.map((r) => r.lo80), n);
    const band = (lo, hi) => pad(fc.map((r) => r[hi] - r[lo]), n);
    const last = fc[fc.length - 1];
    fcChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`${labels[select.value]}: ${n} observed periods, then a forecast ending ${last ? last.ds : ""} at ${last ? ML.fmt(last.mean) : "–"} (95 % band ${last ? ML.fmt(last.lo95) : "–"}–${last ? ML.fmt(last.hi95) : "–"}).`),
        legend: { bottom: 0, data: ["observed", "forecast", "80 %", "95 %"] },
        grid: { left: 70, right: 20, top: 40, bottom: 72 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: dates, name: `${periodWord(select.value)} (start date)`, nameLocation: "middle", nameGap: 28, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: `${unitOf(select.value)} a ${periodWord(select.value)}`, nameTextStyle: { align: "left" } },
        series: [
          { name: "lo95", type: "line", data: lo95, stack: "b95", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
          { name: "95 %", type: "line", data: band("lo95", "hi95"), stack: "b95", symbol: "none", lineStyle: { opacity: 0 }, itemStyle: { color: ML.OKABE_ITO[4] }, areaStyle: { color: ML.OKABE_ITO[4], opacity: 0.2 }, silent: true },
          { name: "lo80", type: "line", data: lo80, stack: "b80", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
          { name: "80 %", type: "line", data: band("lo80", "hi80"), stack: "b80", symbol: "none", lineStyle: { opacity: 0 }, itemStyle: { color: ML.OKABE_ITO[0] }, areaStyle: { color: ML.OKABE_ITO[0], opacity: 0.25 }, silent: true },
          { name: "observed", type: "line", data: [...observed.map((r) => r.y), ...Array(fc.length).fill(null)], symbol: "none", itemStyle: { color: "#000000" }, lineStyle: { color: "#000000", width: 2 } },
          { name: "forecast", type: "line", data: pad(fc.map((r) => r.mean), n), symbol: "none", itemStyle: { color: ML.OKABE_ITO[5] }, lineStyle: { color: ML.OKABE_ITO[5], width: 2, type: "dashed" } },
        ],
      },
      { notMerge: true },
    );
    const meta = bySeries[select.value];
    ML.frame($("fc-chart"), fcChart, {
      title: `${labels[select.value]}: observed and forecast to ${last ? last.ds : ""}, with 80 % and 95 % bands (${data.model})`,
      source: `${meta.publisher}, table ${meta.source}; data known ${data.as_of ? `at the end of ${data.as_of}` : "to the latest period"}; forecast by migralex (statsforecast, conformal bands)`,
      name: `forecast-${select.value.replace(/[^a-z0-9-]+/gi, "-")}`,
      data: () => ({
        columns: [{ key: "ds" }, { key: "observed" }, { key: "mean" }, { key: "lo80" }, { key: "hi80" }, { key: "lo95" }, { key: "hi95" }],
        rows: [...observed.map((r) => ({ ds: r.ds, observed: r.y })), ...fc],
      }),
    });
    const columns = [
      { key: "ds", label: "period", format: (v) => v },
      { key: "mean", label: "forecast" },
      { key: "lo80", label: "80 % low" },
      { key: "hi80", label: "80 % high" },
      { key: "lo95", label: "95 % low" },
      { key: "hi95", label: "95 % high" },
    ];
    $("fc-table").replaceChildren(ML.table(columns, fc, { caption: "Forecast with calibrated bands" }));
  }

  async function showAlerts() {
    const asOf = $("as-of").value.trim();
    ML.status($("al-status"), "Checking the last three periods…");
    try {
      const data = await ML.api(`/v1/forecast/alerts${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ""}`);
      if (!data.alerts.length) {
        ML.status($("al-status"), "No alert: every recent observation lies within the 95 % band of its forecast.");
        $("al-table").replaceChildren();
        return;
      }
      ML.status($("al-status"), `${data.alerts.length} alert(s).`);
      const columns = [
        { key: "series_id", label: "series", format: (v) => labels[v] || v },
        { key: "ds", label: "period", format: (v) => v },
        { key: "observed", label: "observed" },
        { key: "hi95", label: "95 % upper bound" },
        { key: "excess", label: "excess" },
        { key: "history", label: "last 6 periods", format: (v) => (v || []).slice(-6).map((x) => ML.fmt(x)).join(" · ") },
      ];
      $("al-table").replaceChildren(ML.table(columns, data.alerts, { caption: "Alerts" }));
    } catch (err) {
      ML.status($("al-status"), "");
      ML.showError($("al-table"), err);
    }
  }

  async function showBacktest() {
    const data = await ML.api("/v1/forecast/backtest");
    if (data.status === "running") {
      ML.status($("bt-status"), "The back-test is running (one to two minutes)…");
      setTimeout(showBacktest, 5000);
      return;
    }
    if (data.status !== "done") {
      ML.status($("bt-status"), `The back-test failed: ${data.error}`);
      return;
    }
    const s = data.summary;
    ML.status($("bt-status"), `${s.series} monthly series, ${s.origins} origins; coverage of the 80 % band ${ML.fmt(s.coverage_80, "share")}, of the 95 % band ${ML.fmt(s.coverage_95, "share")}.`);
    const rows = Object.keys(s.mase_ratio_vs_seasonal_naive).map((h) => ({ h, ratio: s.mase_ratio_vs_seasonal_naive[h], smape: s.smape[h] }));
    $("bt-table").replaceChildren(
      ML.table(
        [
          { key: "h", label: "months ahead", format: (v) => v },
          { key: "ratio", label: "MASE / seasonal naive", format: (v) => ML.fmt(v) },
          { key: "smape", label: "sMAPE", format: (v) => ML.fmt(v, "share") },
        ],
        rows,
        { caption: "Back-test scores per horizon" },
      ),
    );
    const a = data.alerts;
    $("bt-surges").replaceChildren(
      el("p", {}, `Alerts on ${a.surges} known surges: recall ${ML.fmt(a.recall, "share")}, precision ${ML.fmt(a.precision, "share")}, median lead ${a.median_lead_months ?? "–"} month(s).`),
      ML.table(
        [
          { key: "surge", label: "surge", format: (v) => v },
          { key: "alerted", label: "alerted", format: (v) => (v ? "yes" : "no") },
          { key: "first_alert", label: "first alert", format: (v) => v || "–" },
          { key: "lead_months", label: "lead (months)", format: (v) => (v === null ? "–" : String(v)) },
        ],
        a.events,
        { caption: "Alert back-test on known surges" },
      ),
    );
  }

  $("fc-form").addEventListener("submit", (e) => {
    e.preventDefault();
    showForecast();
    showAlerts();
  });
  await showForecast();
  showAlerts();
  showBacktest();
})();
