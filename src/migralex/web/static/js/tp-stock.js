/* Overview: beneficiaries of temporary protection over time (GET /v1/temporary-protection/stock). */
"use strict";

(async () => {
  const node = document.getElementById("tp-stock");
  const basis = document.getElementById("tp-basis");
  if (!node) return;
  const health = await ML.api("/v1/health");
  if (!health.capabilities.temporary_protection) {
    basis.textContent = "The temporary-protection stock is not available in this build.";
    return;
  }
  const chart = ML.chart(node);
  try {
    const body = await ML.api("/v1/temporary-protection/stock");
    const months = [...new Set(body.rows.map((r) => r.month))].sort();
    const total = Object.fromEntries(months.map((m) => [m, 0]));
    const byMs = {};
    for (const r of body.rows) {
      total[r.month] += r.beneficiaries;
      (byMs[r.member_state] ||= {})[r.month] = r.beneficiaries;
    }
    const last = months[months.length - 1];
    const top = Object.keys(byMs).sort((a, b) => (byMs[b][last] || 0) - (byMs[a][last] || 0)).slice(0, 5);
    const series = [
      { name: "Member States reporting (sum)", type: "line", showSymbol: false, data: months.map((m) => total[m]) },
      ...top.map((ms) => ({ name: ms, type: "line", showSymbol: false, data: months.map((m) => byMs[ms][m] ?? null) })),
    ];
    chart.setOption({
      ...ML.base,
      aria: ML.aria(`Line chart: beneficiaries of temporary protection at the end of each month, ${months[0]} to ${last}; in ${last} ${ML.fmt(total[last], "")} in the Member States reporting, most in ${top.join(", ")}.`),
      tooltip: { trigger: "axis", valueFormatter: (v) => ML.fmt(v, "") },
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", name: "persons", axisLabel: { formatter: (v) => ML.fmt(v, "") } },
      series,
    });
    const columns = [{ key: "month", label: "month" }, { key: "member_state", label: "member_state" }, { key: "beneficiaries", label: "beneficiaries" }, { key: "flag", label: "flag" }];
    ML.frame(node, chart, { title: `Beneficiaries of temporary protection at the end of the month, ${months[0]}–${last} (persons; the Union and the five largest)`, source: body.source, name: "temporary-protection-stock", data: () => ({ columns, rows: body.rows }) });
    basis.replaceChildren(`Counts in the annual cycle: ${body.basis} — “${body.quote}”. `, ...body.caveats.map((c) => `${c} `));
  } catch (err) {
    ML.showError(basis, err);
  }
})();
