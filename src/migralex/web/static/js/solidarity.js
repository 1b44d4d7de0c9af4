/* Solidarity page: fair shares of the pool, and a live what-if on its size, the member set and the pledges. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.cycle) {
    ML.unavailable("The annual cycle (migralex.cycle) is not available in this build.");
    return;
  }
  const [meta, countries] = await Promise.all([ML.api("/v1/cycle"), ML.api("/v1/countries")]);
  const names = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  const memberStates = ML.byName(countries.filter((c) => c.member_state)).map((c) => c.code); // by name, not code
  const chart = ML.chart($("shares-chart"));

  const yearSelect = $("year");
  for (const y of meta.years) yearSelect.append(el("option", { value: y }, String(y)));
  yearSelect.value = String(meta.default_year);

  let baseline = null; // the law's default for the year: {members, relocations, fair: {ms: relocations}}
  const pledgeInputs = {}; // ms -> {relocations, financial_eur, benefitting}

  // Member set checkboxes.
  const membersBox = $("members");
  for (const ms of memberStates) {
    membersBox.append(el("label", { for: `m-${ms}` }, el("input", { type: "checkbox", id: `m-${ms}`, value: ms }), names[ms]));
  }

  async function loadBaseline() {
    ML.status(statusNode, `Loading the ${yearSelect.value} cycle…`);
    const answer = await ML.api(`/v1/cycle/${yearSelect.value}/solidarity`, { method: "POST", body: {} });
    const rows = answer.fair_shares.rows;
    baseline = {
      relocations: answer.pool.relocations,
      members: rows.map((r) => r.member_state),
      fair: Object.fromEntries(rows.map((r) => [r.member_state, r.relocations])),
    };
    $("relocations").value = baseline.relocations;
    for (const box of membersBox.querySelectorAll("input")) box.checked = baseline.members.includes(box.value);
    buildTable();
    await recompute();
  }

  function request() {
    const members = [...membersBox.querySelectorAll("input:checked")].map((b) => b.value);
    const body = {};
    const raw = $("relocations").value;
    if (raw !== "" && Number(raw) !== baseline.relocations) body.relocations = Number(raw);
    if (members.join() !== baseline.members.join()) body.member_set = members;
    const pledges = {};
    const benefitting = [];
    for (const [ms, inputs] of Object.entries(pledgeInputs)) {
      if (!members.includes(ms)) continue;
      const r = Number(inputs.relocations.value || 0);
      const f = Number(inputs.financial_eur.value || 0);
      if (r || f) pledges[ms] = { relocations: r, financial_eur: f };
      if (inputs.benefitting.checked) benefitting.push(ms);
    }
    if (Object.keys(pledges).length || benefitting.length || $("forum").checked) {
      body.pledges = pledges;
      body.benefitting = benefitting;
      body.reconvened_forum = $("forum").checked;
    }
    return body;
  }

  function buildTable() {
    const t = el("table", { class: "data", id: "shares-table" });
    t.append(el("caption", { class: "sr-only" }, "Fair shares of the pool and pledges by Member State"));
    const heads = ["Member State", "Key share", "Fair share (relocations)", "Fair share (€)", "Pledged relocations", "Pledged €", "Benefitting", "Mandatory offsets", "May offer offsets", "Explanation"];
    t.append(el("thead", {}, el("tr", {}, heads.map((h) => el("th", { scope: "col" }, h)))));
    const body = el("tbody");
    for (const ms of memberStates) {
      const inputs = {
        relocations: el("input", { type: "number", min: 0, step: 100, value: "", "aria-label": `${names[ms]}: pledged relocations`, style: "width:7rem" }),
        financial_eur: el("input", { type: "number", min: 0, step: 1000000, value: "", "aria-label": `${names[ms]}: pledged euro`, style: "width:9rem" }),
        benefitting: el("input", { type: "checkbox", "aria-label": `${names[ms]}: benefitting Member State` }),
      };
      pledgeInputs[ms] = inputs;
      body.append(
        el(
          "tr",
          { dataset: { ms } },
          el("th", { scope: "row" }, names[ms]),
          el("td", { class: "share" }),
          el("td", { class: "fair-relocations" }),
          el("td", { class: "fair-eur" }),
          el("td", {}, inputs.relocations),
          el("td", {}, inputs.financial_eur),
          el("td", { style: "text-align:center" }, inputs.benefitting),
          el("td", { class: "offsets" }),
          el("td", { class: "may-offer" }),
          el("td", { class: "explanation", style: "text-align:left;max-width:28rem" }),
        ),
      );
    }
    t.append(body);
    $("table").replaceChildren(t);
  }

  let seq = 0;
  async function recompute() {
    const mine = ++seq;
    const body = request();
    ML.status(statusNode, "Recomputing…");
    let answer;
    try {
      answer = await ML.api(`/v1/cycle/${yearSelect.value}/solidarity`, { method: "POST", body });
    } catch (err) {
      if (mine !== seq) return;
      ML.showError($("errors"), err);
      ML.status(statusNode, "The engine did not accept this what-if.");
      return;
    }
    if (mine !== seq) return; // a newer request is on its way
    $("errors").replaceChildren();
    // AMMR Art. 12(2): below the minimum, say so (as the CLI and the API do)
    const below = answer.pool.meets_minimum === false;
    $("minimum-warning").hidden = !below;
    $("minimum-warning").textContent = below ? `Below the minimum of AMMR Art. 12(2): ${answer.pool.notes.join("; ")}.` : "";
    $("relocations").toggleAttribute("aria-invalid", below);
    ML.urlState.set({ year: yearSelect.value, relocations: body.relocations ?? null, members: body.member_set ? body.member_set.join(",") : null });
    render(answer);
    ML.status(statusNode, `Cycle ${answer.year}: the Commission proposes in October ${answer.year} the pool for ${answer.pool_year}: ${ML.fmt(answer.pool.relocations)} relocations, ${ML.fmt(answer.pool.financial_eur, "eur")}.`);
  }

  function render(answer) {
    $("financial").textContent = `${ML.fmt(answer.pool.financial_eur, "eur")} (Art. 12(3): ${ML.fmt(answer.pool.eur_per_relocation, "eur")} per relocation)`;
    const fair = Object.fromEntries(answer.fair_shares.rows.map((r) => [r.member_state, r]));
    const evaluation = answer.pledges ? Object.fromEntries(answer.pledges.rows.map((r) => [r.member_state, r])) : {};
    for (const row of $("shares-table").tBodies[0].rows) {
      const ms = row.dataset.ms;
      const f = fair[ms];
      const e = evaluation[ms];
      row.hidden = false;
      row.style.opacity = f ? "1" : "0.45";
      const cell = (cls) => row.querySelector(`.${cls}`);
      cell("share").textContent = f ? ML.fmt(f.share, "ratio") : "not in the key";
      cell("fair-relocations").textContent = f ? ML.fmt(f.relocations) : "–";
      cell("fair-relocations").classList.toggle("changed", Boolean(f) && f.relocations !== baseline.fair[ms]);
      cell("fair-relocations").title = f && f.relocations !== baseline.fair[ms] ? `law's default: ${ML.fmt(baseline.fair[ms])}` : "";
      cell("fair-eur").textContent = f ? ML.fmt(f.financial_eur, "eur") : "–";
      cell("offsets").textContent = e ? ML.fmt(e.mandatory_offsets) : "–";
      cell("offsets").classList.toggle("changed", Boolean(e && e.mandatory_offsets));
      cell("may-offer").textContent = e ? (e.may_offer_offsets ? "yes" : "no") : "–";
      cell("explanation").textContent = e ? e.explanation : "";
    }
    drawChart(answer, fair, evaluation);
    drawOffsets(answer);
  }

  function drawChart(answer, fair, evaluation) {
    const rows = Object.values(fair).sort((a, b) => a.relocations - b.relocations);
    const label = (ms) => names[ms] || ms;
    // Two bars per Member State at most: the fair share, and pledges + offsets stacked; the law's default is a tick.
    const series = [
      { type: "bar", name: "Fair share (relocations)", data: rows.map((r) => r.relocations), barWidth: answer.pledges ? "38%" : "62%", barGap: "12%", itemStyle: { color: ML.OKABE_ITO[0] } },
      { type: "scatter", name: "Law's default", data: rows.map((r) => baseline.fair[r.member_state] ?? null), symbol: "rect", symbolSize: [3, 14], itemStyle: { color: "#333" }, z: 5 },
    ];
    if (answer.pledges) {
      series.push({ type: "bar", name: "Pledged relocations", stack: "pledged", barWidth: "38%", data: rows.map((r) => evaluation[r.member_state]?.pledged_relocations ?? 0), itemStyle: { color: ML.OKABE_ITO[1] } });
      series.push({ type: "bar", name: "Mandatory offsets", stack: "pledged", barWidth: "38%", data: rows.map((r) => evaluation[r.member_state]?.mandatory_offsets ?? 0), itemStyle: { color: ML.OKABE_ITO[2] } });
    }
    const largest = rows.slice(-3).reverse().map((r) => `${label(r.member_state)} ${ML.fmt(r.relocations)}`).join(", ");
    chart.setOption(
      {
        ...ML.base,
        aria: ML.aria(`Fair shares of a pool of ${ML.fmt(answer.pool.relocations)} relocations; largest: ${largest}.`),
        legend: { bottom: 0 },
        grid: { left: 120, right: 20, top: 10, bottom: 80 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => ML.fmt(v) },
        xAxis: { type: "value", name: "relocations", nameLocation: "middle", nameGap: 26, axisLabel: { hideOverlap: true } },
        yAxis: { type: "category", data: rows.map((r) => label(r.member_state)), axisLabel: { interval: 0, fontSize: 11 } },
        series,
      },
      { notMerge: true },
    );
    ML.frame($("shares-chart"), chart, {
      title: `Fair shares of the solidarity pool for ${answer.pool_year} (${ML.fmt(answer.pool.relocations)} relocations), by Member State${answer.pledges ? ", with pledges and mandatory offsets" : ""}`,
      source: `Reference key of AMMR Annex I: Eurostat demo_gind (population on ${answer.fair_shares.figures?.find((f) => f.name === "population_date")?.value || "1 January"}), IMF World Economic Outlook (GDP); computed by migralex`,
      name: `fair-shares-${answer.pool_year}`,
      data: () => ({
        columns: [{ key: "member_state" }, { key: "name" }, { key: "share" }, { key: "relocations" }, { key: "financial_eur" }, { key: "pledged_relocations" }, { key: "mandatory_offsets" }],
        rows: ML.byName(rows.map((r) => ({ member_state: r.member_state, name: label(r.member_state), share: r.share, relocations: r.relocations, financial_eur: r.financial_eur, pledged_relocations: evaluation[r.member_state]?.pledged_relocations ?? null, mandatory_offsets: evaluation[r.member_state]?.mandatory_offsets ?? null }))),
      }),
    });
  }

  function drawOffsets(answer) {
    const box = $("offsets");
    if (!answer.pledges) {
      box.replaceChildren(el("p", { class: "hint" }, "Enter pledges in the table below to see the offsets they trigger (AMMR Art. 63)."));
      return;
    }
    const figures = answer.pledges.figures.filter((f) => ["pledged_relocations", "offsets_may_be_requested", "relocations_to_implement", "offsets_mandatory", "offsets_needed", "offsets_assigned", "offsets_shortfall"].includes(f.name));
    const shown = (f) => (typeof f.value === "boolean" ? (f.value ? "yes" : "no") : ML.fmt(f.value, f.unit === "ratio" ? "ratio" : undefined));
    box.replaceChildren(
      el("dl", { class: "answer", id: "offset-figures" }, figures.flatMap((f) => [el("dt", {}, f.name.replace(/_/g, " ")), el("dd", {}, shown(f), el("small", { class: "hint" }, ` ${f.basis}`))])),
      el("ul", {}, answer.pledges.notes.filter((n) => n.startsWith("Art. 63")).map((n) => el("li", {}, n))),
    );
  }

  const later = ML.debounce(recompute, 300);
  $("whatif").addEventListener("input", later);
  $("table").addEventListener("input", later);
  $("whatif").addEventListener("submit", (e) => e.preventDefault());
  $("reset").addEventListener("click", () => {
    for (const inputs of Object.values(pledgeInputs)) {
      inputs.relocations.value = "";
      inputs.financial_eur.value = "";
      inputs.benefitting.checked = false;
    }
    $("forum").checked = false;
    loadBaseline();
  });
  yearSelect.addEventListener("change", loadBaseline);
  if (ML.urlState.get("year") && meta.years.includes(Number(ML.urlState.get("year")))) yearSelect.value = ML.urlState.get("year");
  // a shared what-if link: ?year=&relocations=&members= (read before the law's default rewrites the URL)
  const sharedPool = ML.urlState.get("relocations");
  const sharedMembers = ML.urlState.get("members");
  await loadBaseline();
  if (sharedPool || sharedMembers) {
    if (sharedPool) $("relocations").value = sharedPool;
    if (sharedMembers) for (const box of membersBox.querySelectorAll("input")) box.checked = sharedMembers.split(",").includes(box.value);
    await recompute();
  }
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
