/* Pathways page: returns per Member State (GET /v1/returns/rates), the Union Resettlement Plan
   (GET /v1/resettlement/plan) and the URF Art. 9 admission deadlines (GET /v1/resettlement/deadlines). */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;

  const health = await ML.api("/v1/health");
  const caps = health.capabilities;
  const missing = [];
  if (caps.return_rates) returns();
  else missing.push("The return rates (migralex.data.returns) are not available in this build.");
  if (caps.resettlement) {
    plan();
    deadlines();
  } else missing.push("Resettlement (migralex.resettlement) is not available in this build.");
  if (missing.length) {
    ML.unavailable(missing.join(" "), caps.return_rates ? $("deadlines-go") : $("returns-go"));
    if (!caps.return_rates && !caps.resettlement) $("deadlines-go").disabled = true;
  }

  async function returns() {
    const chart = ML.chart($("returns-chart"));
    const first = (await load(ML.urlState.get("year"))) || (await load(null));
    if (!first) return;
    for (const y of [...first.years].reverse()) $("year").append(el("option", { value: String(y) }, String(y)));
    $("year").value = String(first.year);
    $("returns-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      await load($("year").value);
    });

    async function load(year) {
      $("returns-errors").replaceChildren();
      $("returns-go").disabled = true;
      ML.status($("returns-status"), "Loading the return figures…");
      try {
        const body = await ML.api(`/v1/returns/rates${year ? `?year=${encodeURIComponent(year)}` : ""}`);
        ML.urlState.set({ year: body.year });
        draw(body);
        ML.status($("returns-status"), `${body.rows.length} rows for ${body.year}.`);
        return body;
      } catch (err) {
        ML.showError($("returns-errors"), err);
        ML.status($("returns-status"), "The return figures could not be loaded.");
        return null;
      } finally {
        $("returns-go").disabled = false;
      }
    }

    function draw(body) {
      const rows = [...body.rows].sort((a, b) => (b.return_rate ?? -1) - (a.return_rate ?? -1));
      const label = (r) => (r.associated_state ? `${r.name} (associated State)` : r.name);
      $("returns-table").replaceChildren(
        ML.table(
          [
            { key: "name", label: "Member State", format: (v, r) => label(r) },
            { key: "ordered_to_leave", label: `Ordered to leave ${body.year}` },
            { key: "returned", label: `Returned ${body.year}` },
            { key: "return_rate", label: "Returned / ordered", unit: "ratio" },
          ],
          rows,
          { caption: `Ordered to leave, returned and their ratio per Member State, ${body.year}` },
        ),
      );
      const title = `Persons returned per person ordered to leave, per Member State, ${body.year} (same-year ratio, %)`;
      chart.setOption(
        {
          ...ML.base,
          aria: ML.aria(`Bar chart: ${title}. Highest ${rows[0] ? `${rows[0].name} ${ML.fmt(rows[0].return_rate, "ratio")}` : "–"}.`),
          tooltip: { trigger: "axis", valueFormatter: (v) => ML.fmt(v, "percent") },
          grid: { left: 150, right: 20, top: 10, bottom: 40 },
          xAxis: { type: "value", name: "returned / ordered to leave (%)", nameLocation: "middle", nameGap: 26 },
          yAxis: { type: "category", inverse: true, data: rows.map((r) => r.member_state === "EU27_2020" ? "EU27" : r.name) },
          series: [
            {
              name: "return ratio",
              type: "bar",
              data: rows.map((r) => ({ value: r.return_rate === null ? null : r.return_rate * 100, itemStyle: { color: r.member_state === "EU27_2020" ? ML.OKABE_ITO[5] : ML.OKABE_ITO[0] } })),
            },
          ],
        },
        { notMerge: true },
      );
      ML.frame($("returns-chart"), chart, {
        title,
        source: body.source,
        name: `returns-${body.year}`,
        data: () => ({ columns: ["member_state", "year", "ordered_to_leave", "returned", "return_rate"], rows: rows.map((r) => [r.member_state, r.year, r.ordered_to_leave, r.returned, r.return_rate]) }),
      });
      $("returns-source").textContent = `Source: ${body.source}. ${body.caveats.join("; ")}.`;
      const names = body.missing_member_states;
      $("returns-missing").textContent = names.length
        ? `Not shipped for ${body.year} (${names.length} Member States): ${names.join(", ")}. The table holds the Member States whose rows the project ships, with the EU27 aggregate.`
        : "Every Member State has a row.";
    }
  }

  async function plan() {
    try {
      const p = await ML.api("/v1/resettlement/plan");
      const pledges = Object.keys(p.pledges || {});
      $("plan").replaceChildren(
        el("dl", { id: "plan-figures" },
          el("dt", {}, "Adopted total, persons to admit"), el("dd", {}, `${ML.fmt(p.adopted_total)} (${p.start} to ${p.end})`),
          el("dt", {}, "Member States participating"), el("dd", {}, ML.fmt(p.member_states_participating)),
          el("dt", {}, "Proposed by the Commission"), el("dd", {}, p.proposed_total === null ? "–" : ML.fmt(p.proposed_total)),
          el("dt", {}, "Legal basis"), el("dd", {}, p.basis),
        ),
        el("p", { id: "plan-pledges" }, pledges.length
          ? `Pledges shipped for ${pledges.length} Member States.`
          : `Per-Member-State pledges are not shipped: ${(p.notes || []).join(" ") || "they were not found in public material."}`),
        el("p", { class: "hint", id: "plan-source" }, `Source: ${p.source}. Period: ${p.start} to ${p.end}.`),
      );
    } catch (err) {
      ML.showError($("plan"), err);
    }
  }

  async function deadlines() {
    const countries = await ML.api("/v1/countries");
    for (const c of ML.byName(countries.filter((c) => c.dublin_state))) $("member-state").append(el("option", { value: c.code }, c.name));
    $("member-state").value = ML.urlState.get("ms") || "DE";
    $("registered").value = ML.urlState.get("registered") || new Date().toISOString().slice(0, 10);
    $("concluded").value = ML.urlState.get("concluded") || "";
    const inputFor = (path) => ({ "query.registered": $("registered"), "query.member_state": $("member-state"), "query.concluded": $("concluded") })[path];
    const labels = { "query.registered": "Date of registration", "query.member_state": "Member State", "query.concluded": "Date of the conclusion" };
    $("deadlines-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      $("deadlines-errors").replaceChildren();
      ML.clearFieldErrors($("deadlines-form"));
      $("deadlines-go").disabled = true;
      try {
        const query = new URLSearchParams({ registered: $("registered").value, member_state: $("member-state").value });
        if ($("concluded").value) query.set("concluded", $("concluded").value);
        const body = await ML.api(`/v1/resettlement/deadlines?${query}`);
        ML.urlState.set({ registered: $("registered").value, ms: $("member-state").value, concluded: $("concluded").value });
        $("deadlines").replaceChildren(
          ML.table(
            [
              { key: "deadline", label: "Deadline", format: (v) => v.replace(/_/g, " ") },
              { key: "date", label: "Date", format: (v, r) => v || `– (${r.note || "needs the date of the conclusion"})` },
              { key: "period", label: "Period" },
              { key: "runs_from", label: "Runs from" },
              { key: "basis", label: "Legal basis", format: (v, r) => `${v}: “${r.quote}”` },
            ],
            body.deadlines,
            { caption: `URF Art. 9 deadlines for a registration on ${body.registered} in ${body.member_state}` },
          ),
        );
        $("deadlines-notes").replaceChildren(el("ul", { class: "hint" }, [...body.deadlines.filter((d) => d.note && d.date).map((d) => el("li", {}, `${d.deadline.replace(/_/g, " ")}: ${d.note}`)), ...body.notes.map((n) => el("li", {}, n))]));
        ML.status($("deadlines-status"), `Deadlines computed for a registration on ${body.registered} (${body.member_state}).`);
      } catch (err) {
        const rest = err.body && err.body.detail ? ML.fieldErrors($("deadlines-form"), err.body.detail, inputFor, labels) : null;
        if (!rest || rest.length) ML.showError($("deadlines-errors"), err);
        ML.status($("deadlines-status"), "The deadlines could not be computed.");
      } finally {
        $("deadlines-go").disabled = false;
      }
    });
  }
})();
