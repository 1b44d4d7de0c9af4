/* Case explainer, the timeline (case format v2): an editor for the case's procedural events, the state of
   the case on a chosen day (POST /v1/cases/state: who is responsible now and why, the shifts a lapsed limit
   caused, what is due next) and every limit of AMMR Arts 37-46 dated on a calendar strip. */
"use strict";

const CaseTimeline = (() => {
  const { el } = ML;
  const words = (s) => String(s ?? "").replace(/_/g, " ");
  /** Events kept per case id, so that explaining the same case again keeps what was edited. */
  const kept = new Map();

  function enumOf(schemas, model, field) {
    const prop = (schemas[model] || {}).properties?.[field] || {};
    for (const v of [prop, ...(prop.anyOf || [])]) if (v.enum) return v.enum;
    for (const v of prop.anyOf || []) if (v.$ref) return enumOf(schemas, v.$ref.split("/").pop(), null);
    if (!field && schemas[model]?.enum) return schemas[model].enum;
    return [];
  }

  function options(values, value, optional) {
    const s = [];
    if (optional) s.push(el("option", { value: "" }, "—"));
    for (const v of values) s.push(el("option", { value: v.value ?? v, selected: (v.value ?? v) === value }, v.label ?? words(v)));
    return s;
  }

  /** Remember the events of a case (the example loader and the JSON box give them). */
  function seed(caseId, events) {
    kept.set(caseId, (events || []).map((e) => ({ ...e })));
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  /** One editable event: its fields side by side, wrapping on a narrow column. */
  function eventRow(e, i, vocab, onChange, onRemove) {
    const labelled = (text, input) => el("label", { class: "ev-field" }, el("span", { class: "hint" }, text), input);
    const sel = (name, values, optional) => {
      const s = el("select", { name, "aria-label": `${words(name)} of event ${i}` }, options(values, e[name] ?? "", optional));
      s.addEventListener("change", () => onChange(i, name, s.value || null));
      return s;
    };
    const date = el("input", { type: "date", name: "date", value: e.date || "", "aria-label": `date of event ${i}` });
    date.addEventListener("change", () => onChange(i, "date", date.value || null));
    const susp = el("input", { type: "checkbox", name: "suspensive", checked: Boolean(e.suspensive), "aria-label": `suspensive appeal, event ${i}` });
    susp.addEventListener("change", () => onChange(i, "suspensive", susp.checked ? true : null));
    return el(
      "li",
      { class: "event-row", dataset: { index: String(i) } },
      el("span", { class: "ev-index" }, String(i)),
      labelled("event", sel("type", vocab.types, false)),
      labelled("date", date),
      labelled("by", sel("by", vocab.states, true)),
      labelled("to", sel("to", vocab.states, true)),
      labelled("outcome", sel("outcome", vocab.outcomes, true)),
      labelled("hit category", sel("category", vocab.categories, true)),
      el("label", { class: "ev-field ev-check" }, susp, " suspensive"),
      el("button", { type: "button", class: "secondary", onclick: () => onRemove(i), "aria-label": `Remove event ${i}` }, "Remove"),
    );
  }

  /** A limit's position on the strip, in percent of the span. */
  function position(date, from, to) {
    const t = (d) => new Date(`${d}T00:00:00Z`).getTime();
    const span = Math.max(1, t(to) - t(from));
    return Math.min(100, Math.max(0, ((t(date) - t(from)) / span) * 100));
  }

  /** The dated limits on a horizontal strip between the registration and the last limit, with the day. */
  function strip(state, registration, asOf) {
    const dated = (state.limits || []).filter((l) => l.date);
    const dates = [registration, asOf, ...dated.map((l) => l.date)].filter(Boolean).sort();
    const from = dates[0];
    const to = dates[dates.length - 1];
    const firsts = [];
    const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
    while (d.toISOString().slice(0, 10) <= to) {
      const iso = d.toISOString().slice(0, 10);
      if (iso >= from) firsts.push(iso);
      d.setUTCMonth(d.getUTCMonth() + 1);
    }
    const step = Math.max(1, Math.ceil(firsts.length / (window.innerWidth < 560 ? 4 : 6))); // labels never run together on a phone
    const months = firsts.filter((_, k) => k % step === 0).map((iso) => el("span", { class: "month", style: `left:${position(iso, from, to)}%` }, iso.slice(0, 7)));
    return el(
      "div",
      { id: "calendar-strip", class: "strip", role: "list", "aria-label": `Time limits from ${from} to ${to}` },
      months,
      el("span", { class: `today${position(asOf, from, to) > 70 ? " right" : ""}`, style: `left:${position(asOf, from, to)}%`, title: `state on ${asOf}` }, `state on ${asOf}`),
      dated.map((l, k) =>
        el(
          "span",
          {
            class: `mark ${l.status}${position(l.date, from, to) > 70 ? " right" : ""}`,
            role: "listitem",
            style: `left:${position(l.date, from, to)}%; top:${1.6 + (k % 4) * 1.35}rem`,
            dataset: { name: l.name, status: l.status, date: l.date },
            title: `${words(l.name)}: ${l.date} (${l.status}) — ${l.legal_basis}`,
          },
          `${words(l.name)} ${l.date.slice(5)}`,
        ),
      ),
    );
  }

  function limitsTable(state, h) {
    return el(
      "table",
      { class: "data limits", id: "state-limits" },
      el("thead", {}, el("tr", {}, ["Limit", "Last day", "Status", "Legal basis; if it lapses"].map((c) => el("th", { scope: "col" }, c)))),
      el(
        "tbody",
        {},
        (state.limits || []).map((l) =>
          el(
            "tr",
            { dataset: { name: l.name, status: l.status } },
            el("th", { scope: "row" }, words(l.name), el("br"), el("small", { class: "hint" }, `${l.period || ""} from ${l.runs_from?.text || "?"}`)),
            el("td", {}, l.date ? el("time", { datetime: l.date }, l.date) : "not dated"),
            el("td", {}, el("span", { class: `badge ${l.status}` }, words(l.status)), l.met_by !== null && l.met_by !== undefined ? el("small", {}, ` by event ${l.met_by}`) : null),
            el(
              "td",
              {},
              h.linkify(l.legal_basis || ""),
              l.member_state ? ` (${l.member_state} acts)` : "",
              l.consequence ? el("small", { class: "consequence" }, l.consequence, " (", h.linkify(l.consequence_basis || ""), ")") : null,
            ),
          ),
        ),
      ),
    );
  }

  function statePanel(state, h, asOf) {
    const name = (c) => (c ? (h.countryName[c] ? `${h.countryName[c]} (${c})` : c) : "none");
    const next = state.next_due;
    return el(
      "div",
      { id: "state-answer" },
      el("p", { class: "big", id: "state-responsible" }, `On ${asOf}: ${name(state.responsible_member_state)}`),
      el("p", { id: "state-basis" }, "Why: ", h.linkify(state.legal_basis || ""), state.reason ? ` — ${state.reason}` : ""),
      state.determined_member_state !== undefined
        ? el("p", { class: "hint" }, `The criteria designate ${name(state.determined_member_state)} (`, h.linkify(state.determined_legal_basis || ""), ")")
        : null,
      (state.shifts || []).length
        ? el(
            "ul",
            { id: "state-shifts" },
            state.shifts.map((s) => el("li", {}, `${s.date}: responsibility moved from ${s.from} to ${s.to} (`, h.linkify(s.legal_basis || ""), `) — ${s.reason}`)),
          )
        : null,
      el("p", { id: "state-next" }, next ? [el("strong", {}, "Due next: "), `${words(next.name)} by ${next.date} (${next.member_state}, `, h.linkify(next.legal_basis || ""), ")"] : "Nothing is due: no limit runs on that day."),
      strip(state, h.registration, asOf),
      limitsTable(state, h),
    );
  }

  /** Render the timeline section into `node` for `caseObj`; `h`: {linkify, countryName, schemas, countries}. */
  function render(node, caseObj, h) {
    if (caseObj.events) seed(caseObj.id, caseObj.events);
    const events = kept.get(caseObj.id) || [];
    kept.set(caseObj.id, events);
    const vocab = {
      types: enumOf(h.schemas, "Event", "type"),
      outcomes: enumOf(h.schemas, "Event", "outcome"),
      categories: enumOf(h.schemas, "Event", "category"),
      states: h.countries.filter((c) => c.dublin_state).map((c) => ({ value: c.code, label: c.code })),
    };
    const dayInput = el("input", { type: "date", id: "state-day", value: h.asOf || today(), "aria-label": "State of the case on this day" });
    const body = el("ol", { id: "events-list", class: "events no-print", "aria-label": "Events of the case" });
    const result = el("div", { id: "state-result", "aria-live": "polite" });
    const printed = el("ol", { class: "print-only", id: "events-printed" });
    const ctx = { ...h, registration: caseObj.registration?.date };

    function redraw() {
      body.replaceChildren(...events.map((e, i) => eventRow(e, i, vocab, change, remove)));
      printed.replaceChildren(...events.map((e) => el("li", {}, `${e.date}: ${words(e.type)}${e.by ? ` by ${e.by}` : ""}${e.to ? ` to ${e.to}` : ""}${e.outcome ? `, ${words(e.outcome)}` : ""}`)));
    }
    function change(i, name, value) {
      if (value === null || value === "") delete events[i][name];
      else events[i][name] = value;
      ask();
    }
    function remove(i) {
      events.splice(i, 1);
      redraw();
      ask();
    }
    function add() {
      const last = events[events.length - 1];
      const reg = caseObj.registration || {};
      events.push({ type: "take_charge_request", date: last?.date || reg.date, by: reg.member_state });
      redraw();
      body.lastElementChild?.querySelector("select")?.focus();
    }

    let asked = 0;
    async function ask() {
      const mine = ++asked;
      const asOf = dayInput.value || today();
      const crisis = document.getElementById("crisis")?.checked ? "&crisis_derogation=true" : "";
      const body_ = { ...caseObj, version: 2, events: events.map((e) => ({ ...e })) };
      node.dataset.ready = "false";
      try {
        const state = await ML.api(`/v1/cases/state?as_of=${asOf}${crisis}`, { method: "POST", body: body_ });
        if (mine !== asked) return;
        result.replaceChildren(statePanel(state, ctx, asOf));
      } catch (err) {
        if (mine !== asked) return;
        ML.showError(result, err);
      } finally {
        if (mine === asked) node.dataset.ready = "true";
      }
    }
    dayInput.addEventListener("change", ask);

    node.replaceChildren(
      el("h3", {}, "Timeline: events and the state on a day"),
      el("p", { class: "hint no-print" }, "Record what happened after the registration (case format v2). The state is recomputed on each change."),
      body,
      el(
        "div",
        { class: "row no-print" },
        el("button", { type: "button", class: "secondary", id: "add-event", onclick: add }, "+ event"),
        el("label", { for: "state-day" }, "State on "),
        dayInput,
      ),
      printed,
      result,
    );
    redraw();
    return ask();
  }

  return { render, seed };
})();
