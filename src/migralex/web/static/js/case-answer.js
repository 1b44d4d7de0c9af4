/* Case explainer, the answer area: the headline (a decision needed, or the Member State), every flag,
   the procedure (or why there is none), the deadlines, the traces, and the printable case sheet with the
   quoted articles. The form (cases.js) calls CaseAnswer.render(node, answers, helpers). */
"use strict";

const CaseAnswer = (() => {
  const { el } = ML;
  const words = (s) => String(s ?? "").replace(/_/g, " ");

  /** "DE", "DE or FR", "DE, FR or IT". */
  function orList(items) {
    if (items.length <= 1) return items.join("");
    return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
  }

  /** Flags of the answers, blocking first, without repeats (the same flag from two answers shows once). */
  function allFlags(resp, proc) {
    const seen = new Set();
    const out = [];
    for (const [source, flags] of [["responsibility", resp.flags], ["procedure", proc.flags]]) {
      for (const f of flags || []) {
        const key = `${f.flag}|${f.rule}|${f.reason}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...f, source });
      }
    }
    return out.sort((a, b) => Number(b.blocking) - Number(a.blocking));
  }

  function stateName(code, countryName) {
    return countryName[code] ? `${countryName[code]} (${code})` : code;
  }

  /** The headline: a decision a person must take (blocking flag), or the Member State responsible. */
  function headline(resp, h) {
    const blocking = (resp.flags || []).filter((f) => f.blocking);
    const choice = blocking.find((f) => (f.candidates || []).length);
    if (!resp.responsible_member_state && choice) {
      return el(
        "section",
        { id: "headline", class: "headline decision", "aria-labelledby": "responsible" },
        el("p", { class: "big", id: "responsible" }, `A decision is needed: ${orList(choice.candidates)} (`, h.linkify(choice.rule), ")"),
        el("p", {}, "The engine cannot decide alone. Candidates:"),
        el("ul", { id: "candidates" }, choice.candidates.map((c) => el("li", { dataset: { ms: c } }, stateName(c, h.countryName)))),
        el("p", { class: "reason" }, h.linkify(choice.reason || "")),
        el("p", { id: "responsibility-basis" }, "Legal basis: ", h.linkify(resp.legal_basis || "")),
      );
    }
    if (!resp.responsible_member_state) {
      const why = blocking[0];
      return el(
        "section",
        { id: "headline", class: "headline decision", "aria-labelledby": "responsible" },
        el("p", { class: "big", id: "responsible" }, "Not decided by migralex", why ? ": " : "", why ? h.linkify(why.rule) : ""),
        why ? el("p", { class: "reason" }, h.linkify(why.reason || "")) : null,
        el("p", { id: "responsibility-basis" }, "Legal basis: ", h.linkify(resp.legal_basis || "")),
      );
    }
    return el(
      "section",
      { id: "headline", class: "headline", "aria-labelledby": "responsible-title" },
      el("h3", { id: "responsible-title" }, "Responsible Member State"),
      el("p", { class: "big", id: "responsible" }, stateName(resp.responsible_member_state, h.countryName)),
      el("p", { id: "responsibility-basis" }, "Legal basis: ", h.linkify(resp.legal_basis || "")),
      resp.regime && resp.regime !== "AMMR" ? el("p", { class: "hint" }, `Regime: ${words(resp.regime)}`) : null,
    );
  }

  function flagList(flags, h) {
    if (!flags.length) return el("p", { id: "flags", class: "hint" }, "No flag: the engine decided alone.");
    return el(
      "ul",
      { id: "flags", class: "flags" },
      flags.map((f) =>
        el(
          "li",
          { class: f.blocking ? "blocking" : "advisory", dataset: { flag: f.flag } },
          el("span", { class: `badge ${f.blocking ? "blocking" : "advisory"}` }, f.blocking ? "decision needed" : "check"),
          " ",
          el("strong", {}, words(f.flag)),
          " — ",
          h.linkify(f.rule || ""),
          (f.candidates || []).length ? el("span", { class: "candidates" }, ` (candidates: ${f.candidates.join(", ")})`) : null,
          el("span", { class: "reason" }, h.linkify(f.reason || "")),
        ),
      ),
    );
  }

  /** The procedure, or why there is none ("null" is never shown). */
  function procedure(proc, h) {
    const none = proc.procedure === null || proc.procedure === undefined;
    const basis = proc.legal_basis || "";
    return [
      el("h3", {}, "Procedure"),
      el("p", { class: "big", id: "procedure" }, none ? "No APR procedure" : words(proc.procedure)),
      none ? el("p", { id: "procedure-why" }, "Why: ", h.linkify(basis.replace(/^no APR procedure: /, ""))) : null,
      el(
        "dl",
        {},
        el("dt", {}, "Legal basis"), el("dd", {}, h.linkify(basis)),
        none ? null : [el("dt", {}, "Mandatory grounds"), el("dd", {}, proc.mandatory_grounds?.length ? h.linkify(proc.mandatory_grounds.join("; ")) : "none")],
        none ? null : [el("dt", {}, "Accelerated grounds"), el("dd", {}, proc.accelerated_grounds?.length ? h.linkify(proc.accelerated_grounds.join("; ")) : "none")],
        none ? null : [el("dt", {}, "Exemptions"), el("dd", {}, proc.exemptions?.length ? h.linkify(proc.exemptions.join("; ")) : "none")],
      ),
    ];
  }

  function deadlineList(deadlines, h) {
    return el(
      "ul",
      { class: "calendar", id: "calendar" },
      [...deadlines]
        .sort((a, b) => (a.date || "9999").localeCompare(b.date || "9999"))
        .map((d) =>
          el(
            "li",
            { dataset: { name: d.name } },
            d.date ? el("time", { datetime: d.date }, d.date) : el("span", { class: "hint" }, d.latest ? `by ${d.latest}` : "from the event, not dated yet"),
            el("span", {}, el("strong", {}, words(d.name)), `: ${d.period || ""} from ${d.runs_from || "?"}`, el("br"), el("small", {}, h.linkify(d.legal_basis || "")), d.note ? el("small", { class: "hint" }, ` — ${d.note}`) : null),
          ),
        ),
    );
  }

  function traceList(trace, h) {
    return el(
      "ol",
      { class: "trace" },
      (trace || []).map((step) =>
        el("li", {}, el("span", { class: `badge ${step.outcome}` }, words(step.outcome)), " ", el("strong", {}, h.linkify(step.rule)), el("span", { class: "reason" }, h.linkify(step.reason || ""))),
      ),
    );
  }

  /** The facts the case sheet repeats (print only). */
  function sheetHeader(caseObj, h) {
    const reg = caseObj.registration || {};
    const app = caseObj.applicant || {};
    const rows = [
      ["Case", caseObj.id],
      ["Registered", `${stateName(reg.member_state, h.countryName)} on ${reg.date} (${words(reg.place || "territory")})`],
      ["Applicant", [app.nationality, app.date_of_birth ? `born ${app.date_of_birth}` : null, app.unaccompanied ? "unaccompanied" : null].filter(Boolean).join(", ")],
      ["Family", (caseObj.family || []).map((f) => `${words(f.relation)} in ${f.member_state} (${words(f.status)})`).join("; ") || "none recorded"],
      ["Documents", (caseObj.documents || []).map((d) => `${words(d.visa_type || d.kind)} issued by ${d.member_state}, ${d.valid_from} to ${d.valid_until}`).join("; ") || "none recorded"],
      ["Entries", (caseObj.entries || []).map((e) => `${words(e.kind)} into ${e.member_state} on ${e.date}`).join("; ") || "none recorded"],
    ];
    return el(
      "section",
      { id: "sheet-header", class: "print-only" },
      el("h2", {}, `Case sheet — ${caseObj.id}`),
      el("p", { class: "hint" }, `Printed ${new Date().toISOString().slice(0, 10)} from migralex. Every answer names its legal basis; the articles cited are quoted at the end.`),
      el("dl", {}, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v || "—")])),
    );
  }

  /** Distinct articles cited anywhere in the answer, in order of appearance. */
  function citedArticles(texts) {
    const out = new Map();
    const re = /\b(AMMR|APR|SR|CFMR|RBPR|RCD|QR|URF|Eurodac|EURODAC|Dublin III)\s+(?:Art\.\s*(\d+)(?:\((\d+)\))?|recital\s+(\d+))/g;
    for (const t of texts) {
      for (const m of String(t || "").matchAll(re)) {
        const act = m[1] === "Dublin III" ? "DUBLIN_III" : m[1].toUpperCase();
        const recital = Boolean(m[4]);
        const key = `${act} ${recital ? "r" : ""}${m[2] || m[4]}`;
        const entry = out.get(key) || { act, article: Number(m[2] || m[4]), recital, paragraphs: new Set() };
        if (m[3]) entry.paragraphs.add(m[3]);
        out.set(key, entry);
      }
    }
    return [...out.values()];
  }

  /** The quoted articles of the sheet: the cited paragraphs (or the whole article), fetched from the API. */
  async function quoteArticles(node, cited) {
    const parts = await Promise.all(
      cited.map(async (c) => {
        try {
          if (c.recital) {
            const rec = await ML.api(`/v1/law/${encodeURIComponent(c.act)}/recitals/${c.article}`);
            return el("article", { class: "quote", dataset: { act: c.act, recital: String(c.article) } }, el("h4", {}, rec.citation), el("p", { class: "quoted" }, rec.text));
          }
          const art = await ML.api(`/v1/law/${encodeURIComponent(c.act)}/articles/${c.article}`);
          const paras = art.paragraphs || {};
          const chosen = [...c.paragraphs].filter((p) => paras[p]);
          const body = chosen.length ? chosen.map((p) => el("p", { class: "quoted" }, paras[p])) : [el("p", { class: "quoted" }, art.text)];
          return el(
            "article",
            { class: "quote", dataset: { act: c.act, article: String(c.article) } },
            el("h4", {}, `${art.citation}${chosen.length ? `(${chosen.join("), (")})` : ""} — ${art.title}`),
            body,
            art.official ? null : el("p", { class: "hint" }, "Summary by migralex, not the official text."),
          );
        } catch {
          return el("p", { class: "hint" }, `${c.act} ${c.recital ? "recital" : "Art."} ${c.article}: text not available.`);
        }
      }),
    );
    node.replaceChildren(el("h3", {}, "Articles quoted"), ...parts);
    node.dataset.ready = "true";
  }

  function drawCalendar(node, deadlines, start) {
    const items = deadlines.filter((d) => d.date).sort((a, b) => a.date.localeCompare(b.date));
    if (!items.length) {
      node.remove();
      return null;
    }
    const chart = ML.chart(node);
    // On a phone the plot is narrow: shorter names, fewer ticks (one per ~80 px), short dates, no overlap.
    const narrow = node.clientWidth < 560;
    const left = narrow ? 104 : 150;
    const plot = Math.max(80, node.clientWidth - left - 30);
    const shortDate = (v) => new Date(v).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "2-digit", timeZone: "UTC" });
    chart.setOption({
      ...ML.base,
      aria: ML.aria(`Deadlines: ${items.map((d) => `${words(d.name)} on ${d.date}`).join("; ")}.`),
      grid: { left, right: 30, top: 30, bottom: 48 },
      tooltip: { trigger: "item", formatter: (p) => `${p.data.name}<br>${p.data.value[0]}` },
      xAxis: { type: "time", min: start || undefined, name: "date", nameLocation: "middle", nameGap: 28, splitNumber: Math.max(2, Math.floor(plot / 80)), axisLabel: { hideOverlap: true, formatter: shortDate, fontSize: narrow ? 10 : 12 } },
      yAxis: { type: "category", data: items.map((d) => words(d.name)), axisLabel: { fontSize: 11, width: left - 10, overflow: "break", lineHeight: 14 } },
      series: [
        {
          type: "scatter",
          symbolSize: 12,
          data: items.map((d) => ({ name: words(d.name), value: [d.date, words(d.name)] })),
          itemStyle: { color: ML.OKABE_ITO[5] },
          markLine: start ? { symbol: "none", label: { formatter: "registration" }, lineStyle: { color: ML.OKABE_ITO[0] }, data: [{ xAxis: start }] } : undefined,
        },
      ],
    });
    const framed = ML.frame(node, chart, {
      title: `Time limits of the case, ${shortDate(items[0].date)} – ${shortDate(items.at(-1).date)}`,
      source: "migralex case engine: AMMR Art. 75, APR Art. 73 and RBPR Art. 11 (computation of time limits)",
      name: "deadlines",
      data: () => ({ columns: [{ key: "name" }, { key: "date" }, { key: "legal_basis" }], rows: items }),
    });
    framed.head.classList.add("no-print");
    framed.foot.classList.add("no-print");
    return chart;
  }

  /**
   * Render the three answers into `node`.
   * answers: {resp, proc, dl, caseObj}; helpers: {linkify, countryName, schemas, countries, hasState}.
   */
  function render(node, { resp, proc, dl, caseObj }, h) {
    const flags = allFlags(resp, proc);
    const deadlines = dl.deadlines || [];
    const articles = el("section", { id: "sheet-articles", class: "sheet-articles" }, el("p", { class: "hint" }, "Quoting the articles…"));
    node.replaceChildren(
      ...[
        sheetHeader(caseObj, h),
        el("div", { class: "row no-print" }, el("button", { type: "button", id: "print-sheet", class: "secondary", onclick: () => window.print() }, "Print case sheet")),
        headline(resp, h),
        el("h3", {}, `Flags for a person (${flags.length})`),
        flagList(flags, h),
        ...procedure(proc, h),
        el("h3", {}, "Deadlines"),
        dl.unavailable ? el("p", { class: "hint" }, "Deadline calculation is not available in this build.") : null,
        el("div", { id: "calendar-chart", class: "chart short no-print", role: "img", "aria-label": "Deadlines on a time line" }),
        deadlineList(deadlines, h),
        h.hasState ? el("section", { id: "timeline", class: "timeline" }) : null,
        el("h3", {}, "Trace: responsibility"),
        traceList(resp.trace, h),
        el("h3", {}, "Trace: procedure"),
        traceList(proc.trace, h),
        articles,
      ].filter(Boolean),
    );
    drawCalendar(node.querySelector("#calendar-chart"), deadlines, caseObj.registration?.date);
    const texts = [resp.legal_basis, proc.legal_basis, ...flags.map((f) => `${f.rule} ${f.reason}`), ...deadlines.map((d) => d.legal_basis)];
    const timeline = node.querySelector("#timeline");
    return Promise.all([
      quoteArticles(articles, citedArticles(texts)),
      timeline && typeof CaseTimeline !== "undefined" ? CaseTimeline.render(timeline, caseObj, h) : null,
    ]);
  }

  return { render, orList, citedArticles };
})();
