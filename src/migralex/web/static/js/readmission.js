/* Readmission leverage page: Art. 8 indicators per third country, the grounds met and why, a scatter. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.readmission) {
    ML.unavailable("The readmission indicators (migralex.readmission) are not available in this build.", $("go"));
    return;
  }
  for (let y = 2024; y >= 2012; y -= 1) $("year").append(el("option", { value: String(y) }, String(y)));
  $("year").value = ML.urlState.get("year") || "2024";
  $("on").value = ML.urlState.get("on") || new Date().toISOString().slice(0, 10);
  $("show").value = ML.urlState.get("show") || "exempt";
  const scatter = ML.chart($("scatter"));
  let current = null;

  $("form").addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  $("show").addEventListener("change", () => current && draw());

  async function run() {
    $("errors").replaceChildren();
    $("go").disabled = true;
    ML.status(statusNode, "Computing the indicators…");
    try {
      const query = new URLSearchParams({ year: $("year").value, all: "true", min_applications: $("min").value || "0", on: $("on").value });
      current = await ML.api(`/v1/readmission?${query}`);
      ML.urlState.set({ year: $("year").value, on: $("on").value, show: $("show").value });
      draw();
      const met = current.countries.filter((c) => c.trigger_met);
      ML.status(statusNode, `${met.length} visa-exempt ${met.length === 1 ? "country meets" : "countries meet"} a ground in ${current.year} (${current.visa_exempt_assessed} assessed).`);
    } catch (err) {
      ML.showError($("errors"), err);
      ML.status(statusNode, "The indicators could not be computed.");
    } finally {
      $("go").disabled = false;
    }
  }

  function draw() {
    const met = current.countries.filter((c) => c.trigger_met);
    $("met").replaceChildren(
      met.length
        ? el("ul", { id: "met-list" }, met.map((c) => el("li", {}, `${c.name}: ${c.why}`)))
        : el("p", { id: "met-list" }, `No visa-exempt country meets a ground in ${current.year} with the thresholds in force on ${current.thresholds_on}.`),
    );
    const rows = current.countries.filter((c) => $("show").value === "all" || c.visa_status === "exempt");
    $("table").replaceChildren(
      ML.table(
        [
          { key: "name", label: "Country" },
          { key: "visa_status", label: "Visa", format: (v) => ({ exempt: "exempt", suspended: "exemption suspended", required: "required" })[v] },
          { key: "applications", label: `Applications ${current.year}` },
          { key: "applications_prev", label: `Applications ${current.year - 1}` },
          { key: "change", label: "Change", unit: "ratio" },
          { key: "recognition_rate", label: "Recognition rate", unit: "ratio" },
          { key: "decided", label: "Decisions" },
          { key: "rate_year", label: "Rate year", format: (v) => (v ? String(v) : "–") },
          { key: "trigger_met", label: "Ground met", format: (v) => (v ? "yes" : "no") },
        ],
        rows,
        { caption: "Art. 8 indicators per third country" },
      ),
    );
    drawScatter();
  }

  function drawScatter() {
    const pts = current.countries.filter((c) => c.visa_status === "exempt" && c.change !== null && c.recognition_rate !== null);
    const inc = pts.length ? pts[0].increase_threshold * 100 : 30;
    const low = pts.length ? pts[0].rate_threshold * 100 : 20;
    const series = (flag, name, color) => ({
      name,
      type: "scatter",
      itemStyle: { color },
      symbolSize: (v) => Math.max(6, Math.min(30, Math.sqrt(v[2]) / 4)),
      data: pts.filter((c) => c.trigger_met === flag).map((c) => ({ name: c.name, value: [Math.min(c.change * 100, 300), c.recognition_rate * 100, c.applications] })),
    });
    scatter.setOption(
      {
        ...ML.base,
        aria: ML.aria(`${pts.length} visa-exempt countries: change in applications ${current.year - 1}–${current.year} against the Union-wide recognition rate; thresholds ${inc} % and ${low} %.`),
        tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>change ${ML.fmt(p.value[0], "percent")}<br>recognition ${ML.fmt(p.value[1], "percent")}<br>${ML.fmt(p.value[2])} applications` },
        legend: { bottom: 0 },
        grid: { left: 60, right: 20, top: 20, bottom: 70 },
        xAxis: { type: "value", name: "change in applications (%), capped at 300", nameLocation: "middle", nameGap: 28 },
        yAxis: { type: "value", name: "recognition rate (%)", max: 100 },
        series: [
          { ...series(false, "ground not met", ML.OKABE_ITO[1]), markLine: { silent: true, symbol: "none", data: [{ xAxis: inc, name: `${inc} %` }, { yAxis: low, name: `${low} %` }], lineStyle: { type: "dashed" } } },
          series(true, "ground met", ML.OKABE_ITO[5]),
        ],
      },
      { notMerge: true },
    );
    ML.frame($("scatter"), scatter, {
      title: `Change in applications for international protection ${current.year - 1}–${current.year} and Union-wide recognition rate, visa-exempt countries, EU27 (thresholds in force on ${current.thresholds_on})`,
      source: `Eurostat migr_asyappctza ${current.year - 1}–${current.year}; UNHCR asylum decisions (first instance); Annex II of Reg. (EU) 2018/1806 (transcribed)`,
      name: `readmission-${current.year}`,
      data: () => ({ columns: ["country", "change", "recognition_rate", "applications", "ground_met"], rows: pts.map((c) => [c.name, c.change, c.recognition_rate, c.applications, c.trigger_met]) }),
    });
  }

  run();
})();
