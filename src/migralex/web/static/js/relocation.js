/* Relocation page: a synthetic batch matched to pledged places; reasons, Sankey, places used and open. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.relocations) {
    ML.unavailable("Relocation matching (migralex.allocation) is not available in this build.", $("match"));
    return;
  }
  const countries = await ML.api("/v1/countries");
  const names = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  for (const c of countries.filter((c) => c.member_state && c.code !== "DK")) $("benefitting").append(el("option", { value: c.code }, `${c.name} (${c.code})`));
  $("benefitting").value = "IT";

  const sankeyChart = ML.chart($("sankey"));
  const placesChart = ML.chart($("places"));
  let current = null;

  $("match-form").addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  $("reason-filter").addEventListener("change", drawTable);

  async function run() {
    $("errors").replaceChildren();
    $("match").disabled = true;
    ML.status(statusNode, "Drawing a batch and matching…");
    try {
      const query = new URLSearchParams({ persons: $("persons-n").value, places: $("places-n").value, seed: $("seed").value, benefitting: $("benefitting").value });
      const batch = await ML.api(`/v1/relocations/example?${query}`);
      const result = await ML.api("/v1/relocations/match", { method: "POST", body: { ...batch, method: $("method").value } });
      current = { batch, result };
      draw();
      ML.status(statusNode, `Matched ${result.assignments.length} persons: ${result.relocated} relocated, ${result.unplaced} not relocated.`);
    } catch (err) {
      ML.showError($("errors"), err);
      ML.status(statusNode, "The match failed.");
    } finally {
      $("match").disabled = false;
    }
  }

  function draw() {
    const { result } = current;
    const withLinks = result.assignments.filter((a) => a.member_state && current.batch.persons.find((p) => p.person_id === a.person_id).links.length);
    $("summary").replaceChildren(
      el("p", { id: "summary-line" }, `${result.relocated} relocated · ${result.unplaced} not relocated · links honoured ${result.links_honoured} of ${withLinks.length} relocated with links · solver ${result.method}: ${result.status}, gap ${result.gap.toExponential(1)}`),
    );
    const reasons = [...new Set(result.assignments.map((a) => a.reason))].sort();
    $("reason-filter").replaceChildren(el("option", { value: "" }, "All"), ...reasons.map((r) => el("option", { value: r }, `${r} (${result.reasons[r].meaning})`)));
    drawTable();
    drawSankey();
    drawPlaces();
    $("totals-table").replaceChildren(
      ML.table(
        [
          { key: "member_state", label: "Member State", format: (v) => `${names[v] || v} (${v})` },
          { key: "pledged", label: "Pledged" },
          { key: "used", label: "Used" },
          { key: "open", label: "Open" },
        ],
        result.totals,
        { caption: "Places per Member State of relocation" },
      ),
    );
  }

  function drawTable() {
    if (!current) return;
    const filter = $("reason-filter").value;
    const rows = current.result.assignments.filter((a) => !filter || a.reason === filter);
    $("match-table").replaceChildren(
      ML.table(
        [
          { key: "person_id", label: "Person" },
          { key: "member_state", label: "Member State", format: (v) => (v ? `${names[v] || v} (${v})` : "not relocated") },
          { key: "reason", label: "Reason", format: (v) => current.result.reasons[v].meaning },
          { key: "article", label: "Article" },
          { key: "link_honoured", label: "Link honoured", format: (v) => (v ? "yes" : "no") },
        ],
        rows,
        { caption: "One answer per person" },
      ),
    );
  }

  function drawSankey() {
    const { result } = current;
    const benefitting = $("benefitting").value;
    const used = result.totals.filter((t) => t.used > 0);
    const source = `${names[benefitting] || benefitting} (benefitting)`;
    sankeyChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`${result.relocated} persons relocated from ${names[benefitting]} to ${used.length} Member States; largest: ${used.sort((a, b) => b.used - a.used).slice(0, 3).map((t) => `${names[t.member_state]} ${t.used}`).join(", ")}.`),
        tooltip: { trigger: "item" },
        series: [
          {
            type: "sankey",
            left: 10,
            right: 120,
            nodeGap: 6,
            emphasis: { focus: "adjacency" },
            data: [{ name: source }, ...used.map((t) => ({ name: names[t.member_state] || t.member_state }))],
            links: used.map((t) => ({ source, target: names[t.member_state] || t.member_state, value: t.used })),
            label: { fontSize: 11 },
            lineStyle: { color: "gradient", opacity: 0.35 },
          },
        ],
      },
      { notMerge: true },
    );
    ML.frame($("sankey"), sankeyChart, {
      title: `Persons relocated from ${names[benefitting] || benefitting} to each Member State of relocation (${result.relocated} of ${result.assignments.length} persons)`,
      source: sourceLine(),
      name: `relocations-${benefitting}`,
      data: () => ({ columns: [{ key: "from" }, { key: "member_state" }, { key: "name" }, { key: "persons" }], rows: used.map((t) => ({ from: benefitting, member_state: t.member_state, name: names[t.member_state] || t.member_state, persons: t.used })) }),
    });
  }

  /** The source line of both charts: the synthetic batch (its data and seed) and the solver (docs/style.md). */
  function sourceLine() {
    const { batch, result } = current;
    return `migralex relocation matching (AMMR Art. 67), ${result.method} solver; a synthetic batch of ${batch.persons.length} persons and ${$("places-n").value} pledged places, seed ${$("seed").value}, drawn from Eurostat asylum applications and UNHCR data`;
  }

  function drawPlaces() {
    const totals = [...current.result.totals].sort((a, b) => b.pledged - a.pledged);
    placesChart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Places used and open for ${totals.length} Member States; ${totals.reduce((s, t) => s + t.open, 0)} places open in all.`),
        tooltip: { trigger: "axis", formatter: (ps) => `${names[ps[0].name] || ps[0].name}<br>${ps.map((q) => `${q.seriesName}: ${ML.fmt(q.value)}`).join("<br>")}` },
        legend: { data: ["used", "open"], bottom: 0 },
        grid: { left: 48, right: 10, bottom: 76, top: 36 },
        xAxis: { type: "category", data: totals.map((t) => t.member_state), name: "Member State of relocation (code)", nameLocation: "middle", nameGap: 40, axisLabel: { fontSize: 10, interval: 0, rotate: 45 } },
        yAxis: { type: "value", name: "places pledged", nameTextStyle: { align: "left" } },
        series: [
          { name: "used", type: "bar", stack: "p", data: totals.map((t) => t.used), itemStyle: { color: ML.OKABE_ITO[0] } },
          { name: "open", type: "bar", stack: "p", data: totals.map((t) => t.open), itemStyle: { color: ML.OKABE_ITO[1] } },
        ],
      },
      { notMerge: true },
    );
    ML.frame($("places"), placesChart, {
      title: `Places pledged per Member State of relocation: used and open after the match (${totals.reduce((s, t) => s + t.used, 0)} used, ${totals.reduce((s, t) => s + t.open, 0)} open)`,
      source: sourceLine(),
      name: "relocation-places",
      data: () => ({ columns: [{ key: "member_state" }, { key: "name" }, { key: "pledged" }, { key: "used" }, { key: "open" }], rows: totals.map((t) => ({ ...t, name: names[t.member_state] || t.member_state })) }),
    });
  }

  run();
})();
