/* Case explainer: a form (and a JSON box) for one applicant; the answer with its trace, linked to the articles. */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const statusNode = $("status");

  const health = await ML.api("/v1/health");
  if (!health.capabilities.cases) {
    ML.unavailable("The case engine (migralex.rules) is not available in this build yet: the form checks the case format only.");
  }

  // Vocabularies come from the OpenAPI document (the case format's models), countries from /v1/countries.
  const [openapi, countries, examples] = await Promise.all([
    ML.api("/openapi.json"),
    ML.api("/v1/countries"),
    fetch("/static/examples/cases.json").then((r) => r.json()),
  ]);
  const schemas = openapi.components.schemas;
  const vocab = (model, field) => {
    const prop = (schemas[model] || {}).properties?.[field] || {};
    const variants = [prop, ...(prop.anyOf || [])];
    for (const v of variants) if (v.enum) return v.enum;
    return [];
  };
  const memberStates = countries.filter((c) => c.member_state);
  const countryName = Object.fromEntries(countries.map((c) => [c.code, c.name]));
  const words = (s) => String(s).replace(/_/g, " ");

  // ---------- form building ----------
  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  function field(label, input, hint) {
    const id = input.id || nextId("f");
    input.id = id;
    return el("div", { class: "field" }, el("label", { for: id }, label), input, hint ? el("span", { class: "hint" }, hint) : null);
  }
  function select(name, options, { optional = false, value = "" } = {}) {
    const s = el("select", { name });
    if (optional) s.append(el("option", { value: "" }, "—"));
    for (const o of options) s.append(el("option", { value: o.value ?? o }, o.label ?? words(o)));
    s.value = value;
    return s;
  }
  const msOptions = ML.byName(memberStates).map((c) => ({ value: c.code, label: c.name })); // names shown, codes sent
  function check(name, label, checked = false) {
    const id = nextId("c");
    return el("label", { for: id }, el("input", { type: "checkbox", id, name, checked }), label);
  }

  const form = $("case-form");
  const thirdCountries = ML.byName(countries.filter((c) => !c.member_state)).map((c) => ({ value: c.code, label: c.name }));
  form.append(
    el(
      "fieldset",
      {},
      el("legend", {}, "Registration"),
      el(
        "div",
        { class: "row" },
        field("Case id", el("input", { type: "text", name: "id", value: "case-001", required: true })),
        field("Member State", select("registration.member_state", msOptions, { value: "IT" })),
        field("Date of first registration", el("input", { type: "date", name: "registration.date", value: "2026-09-01", required: true })),
      ),
      field("Where the application was made", select("registration.place", vocab("Registration", "place"), { value: "territory" })),
    ),
    el(
      "fieldset",
      {},
      el("legend", {}, "Applicant"),
      el(
        "div",
        { class: "row" },
        field("Nationality", select("applicant.nationality", [{ value: "stateless", label: "Stateless" }, ...thirdCountries], { value: "SY" })),
        field("Date of birth", el("input", { type: "date", name: "applicant.date_of_birth" })),
        field("Former habitual residence", select("applicant.former_habitual_residence", thirdCountries, { optional: true }), "stateless only"),
      ),
      el(
        "div",
        { class: "checks", role: "group", "aria-label": "Applicant's situation" },
        check("applicant.unaccompanied", "unaccompanied minor"),
        check("applicant.age_uncertain", "age uncertain"),
        check("applicant.vulnerable", "vulnerable"),
        check("applicant.security_threat", "security threat"),
        check("applicant.misled_authorities", "misled the authorities"),
        check("applicant.subsequent_application", "subsequent application"),
        check("applicant.health_prevents_travel", "health prevents travel to a dependent relative (Art. 34(2))"),
      ),
    ),
  );

  const lists = {
    family: {
      legend: "Family members present in a Member State",
      add: "Add a family member",
      row: (v = {}) => [
        field("Relation", select("relation", vocab("FamilyMember", "relation"), { value: v.relation || "spouse" })),
        field("Member State", select("member_state", msOptions, { value: v.member_state || "DE" })),
        field("Status", select("status", vocab("FamilyMember", "status"), { value: v.status || "beneficiary_of_international_protection" })),
        field("Born", el("input", { type: "date", name: "date_of_birth", value: v.date_of_birth || "" })),
        el(
          "div",
          { class: "checks" },
          check("existed_before_arrival", "family existed before arrival", v.existed_before_arrival ?? true),
          check("consent_in_writing", "consent in writing", v.consent_in_writing ?? false),
          check("can_take_care", "can take care", v.can_take_care ?? true),
          check("first_substantive_decision_taken", "first decision taken", v.first_substantive_decision_taken ?? false),
          check("dependency_established", "dependency established (Art. 34(1))", v.dependency_established ?? false),
        ),
      ],
      read: (r) => ({
        relation: r.relation, member_state: r.member_state, status: r.status, date_of_birth: r.date_of_birth || null,
        existed_before_arrival: r.existed_before_arrival, consent_in_writing: r.consent_in_writing,
        can_take_care: r.can_take_care, first_substantive_decision_taken: r.first_substantive_decision_taken,
        dependency_established: r.dependency_established,
      }),
    },
    documents: {
      legend: "Residence documents and visas",
      add: "Add a document",
      row: (v = {}) => [
        field("Kind", select("kind", vocab("Document", "kind"), { value: v.kind || "visa" })),
        field("Issued by", select("member_state", msOptions, { value: v.member_state || "FR" })),
        field("Visa type", select("visa_type", vocab("Document", "visa_type"), { optional: true, value: v.visa_type || "short_stay" })),
        field("On behalf of", select("issued_on_behalf_of", msOptions, { optional: true, value: v.issued_on_behalf_of || "" })),
        field("Valid from", el("input", { type: "date", name: "valid_from", value: v.valid_from || "2026-06-01" })),
        field("Valid until", el("input", { type: "date", name: "valid_until", value: v.valid_until || "2026-07-15" })),
        field("Ended early on", el("input", { type: "date", name: "ended_early_on", value: v.ended_early_on || "" })),
        el("div", { class: "checks" }, check("fraud_after_issuance", "fraud after issuance", v.fraud_after_issuance ?? false)),
      ],
      read: (r) => ({
        kind: r.kind, member_state: r.member_state, visa_type: r.kind === "visa" ? r.visa_type || null : null,
        issued_on_behalf_of: r.issued_on_behalf_of || null, valid_from: r.valid_from, valid_until: r.valid_until,
        ended_early_on: r.ended_early_on || null, fraud_after_issuance: r.fraud_after_issuance,
      }),
    },
    entries: {
      legend: "Entries into the territory",
      add: "Add an entry",
      row: (v = {}) => [
        field("Kind", select("kind", vocab("Entry", "kind"), { value: v.kind || "irregular_crossing" })),
        field("Member State", select("member_state", msOptions, { value: v.member_state || "IT" })),
        field("Date", el("input", { type: "date", name: "date", value: v.date || "2026-08-28" })),
      ],
      read: (r) => ({ kind: r.kind, member_state: r.member_state, date: r.date }),
    },
    diplomas: {
      legend: "Diplomas obtained in a Member State",
      add: "Add a diploma",
      row: (v = {}) => [
        field("Member State", select("member_state", msOptions, { value: v.member_state || "NL" })),
        field("Issued on", el("input", { type: "date", name: "issued_on", value: v.issued_on || "2025-06-30" })),
        field("Months of study", el("input", { type: "number", name: "study_months", min: 0, value: v.study_months ?? 12, size: 5 })),
      ],
      read: (r) => ({ member_state: r.member_state, issued_on: r.issued_on, study_months: Number(r.study_months) }),
    },
  };

  const containers = {};
  for (const [key, spec] of Object.entries(lists)) {
    const holder = el("div", { class: "repeat", "data-list": key });
    containers[key] = holder;
    form.append(
      el("fieldset", {}, el("legend", {}, spec.legend), holder, el("button", { type: "button", class: "secondary", onclick: () => addRow(key), "aria-label": spec.add }, `+ ${spec.add.replace(/^Add /, "")}`)),
    );
  }
  form.append(
    el("div", { class: "row" }, field("Relocated to", select("relocated_to", msOptions, { optional: true }))),
    el("label", { class: "checks" }, el("input", { type: "checkbox", id: "crisis" }), "Crisis: CFMR Art. 11 derogations authorised"),
    el("div", { class: "row", style: "margin-top:0.6rem" }, el("button", { type: "submit", id: "explain" }, "Explain")),
  );
  form.prepend(field("Load an example", select("example", examples.examples.map((x, i) => ({ value: String(i), label: x.label })), { optional: true })));

  function addRow(key, value) {
    const spec = lists[key];
    const row = el("div", { class: "repeat-row", role: "group", "aria-label": spec.legend }, spec.row(value));
    row.append(el("button", { type: "button", class: "secondary", "aria-label": `Remove this ${key.replace(/s$/, "").replace("famil", "family member")}`, onclick: () => { row.remove(); syncJson(); } }, "Remove"));
    containers[key].append(row);
    syncJson();
  }

  // ---------- form <-> case ----------
  function readInputs(scope) {
    const out = {};
    for (const input of scope.querySelectorAll("input[name], select[name]")) {
      if (input.closest(".repeat") && !scope.classList.contains("repeat-row")) continue;
      out[input.name] = input.type === "checkbox" ? input.checked : input.value.trim();
    }
    return out;
  }

  function caseFromForm() {
    const v = readInputs(form);
    const c = {
      id: v.id,
      registration: { member_state: v["registration.member_state"], date: v["registration.date"], place: v["registration.place"] },
      applicant: { nationality: v["applicant.nationality"], date_of_birth: v["applicant.date_of_birth"] || null },
    };
    for (const flag of ["unaccompanied", "age_uncertain", "vulnerable", "security_threat", "misled_authorities", "subsequent_application", "health_prevents_travel"]) {
      if (v[`applicant.${flag}`]) c.applicant[flag] = true;
    }
    if (v["applicant.former_habitual_residence"]) c.applicant.former_habitual_residence = v["applicant.former_habitual_residence"];
    for (const [key, spec] of Object.entries(lists)) {
      const rows = [...containers[key].querySelectorAll(".repeat-row")].map((r) => spec.read(readInputs(r)));
      if (rows.length) c[key] = rows;
    }
    if (v.relocated_to) c.relocated_to = v.relocated_to;
    return c;
  }

  /** A case in a URL parameter (base64 of its JSON). */
  function encodeCase(c) {
    return btoa(unescape(encodeURIComponent(JSON.stringify(c))));
  }

  function setValue(name, value) {
    const input = form.querySelector(`[name="${name}"]`);
    if (!input) return;
    if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value ?? "";
  }

  function formFromCase(c) {
    if (typeof CaseTimeline !== "undefined") CaseTimeline.seed(c.id, c.events || []); // events: the answer's timeline
    setValue("id", c.id);
    const reg = c.registration || {};
    setValue("registration.member_state", reg.member_state);
    setValue("registration.date", reg.date);
    setValue("registration.place", reg.place || "territory");
    const app = c.applicant || {};
    for (const k of ["nationality", "date_of_birth", "former_habitual_residence", "unaccompanied", "age_uncertain", "vulnerable", "security_threat", "misled_authorities", "subsequent_application", "health_prevents_travel"]) {
      setValue(`applicant.${k}`, app[k]);
    }
    for (const key of Object.keys(lists)) {
      containers[key].replaceChildren();
      for (const item of c[key] || []) addRow(key, item);
    }
    setValue("relocated_to", c.relocated_to || "");
    syncJson();
  }

  const jsonBox = $("case-json");
  function syncJson() {
    jsonBox.value = JSON.stringify(caseFromForm(), null, 2);
  }
  form.addEventListener("input", syncJson);
  form.addEventListener("change", (e) => {
    if (e.target.name === "example" && e.target.value !== "") {
      formFromCase(examples.examples[Number(e.target.value)].case);
      explain(caseFromForm());
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    explain(caseFromForm());
  });
  $("json-apply").addEventListener("click", () => {
    let parsed;
    try {
      parsed = JSON.parse(jsonBox.value);
    } catch (err) {
      ML.showError($("answer"), new Error(`The JSON box does not hold valid JSON: ${err.message}`));
      return;
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) formFromCase(parsed);
    jsonBox.value = JSON.stringify(parsed, null, 2);
    explain(parsed);
  });
  syncJson();

  // ---------- the answer ----------
  const CITATION = /\b(AMMR|APR|SR|CFMR|RBPR|RCD|QR|URF|Eurodac|EURODAC|Dublin III|DUBLIN_III)\s+(?:Art\.\s*(\d+)((?:\(\d+\))?(?:\([a-z]{1,3}\))?)|recital\s+(\d+))/g;

  /** Text with every citation turned into a link that opens the article beside the answer. */
  function linkify(text) {
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of String(text).matchAll(CITATION)) {
      frag.append(text.slice(last, m.index));
      if (m[4]) {
        // a recital (e.g. "AMMR recital 90": who is bound) opens beside the answer like an article
        const act = m[1] === "Dublin III" ? "DUBLIN_III" : m[1].toUpperCase();
        const a = el("a", { href: `/v1/law/${encodeURIComponent(act)}/recitals/${m[4]}`, class: "article-link recital-link" }, m[0]);
        a.addEventListener("click", (e) => {
          e.preventDefault();
          showRecital(act, m[4], m[0]);
        });
        frag.append(a);
        last = m.index + m[0].length;
        continue;
      }
      const ref = ML.parseCitation(m[0]);
      const act = ref.act === "DUBLIN III" ? "DUBLIN_III" : ref.act;
      const a = el("a", { href: `/v1/law/${encodeURIComponent(act)}/articles/${ref.article}`, class: "article-link", dataset: { act, article: String(ref.article), paragraph: ref.paragraph || "" } }, m[0]);
      a.addEventListener("click", (e) => {
        e.preventDefault();
        showArticle(act, ref.article, ref.paragraph, m[0]);
      });
      frag.append(a);
      last = m.index + m[0].length;
    }
    frag.append(String(text).slice(last));
    return frag;
  }

  async function showRecital(act, number, cited) {
    const box = $("article");
    $("article-hint").textContent = `Cited as ${cited}`;
    try {
      const rec = await ML.api(`/v1/law/${encodeURIComponent(act)}/recitals/${number}`);
      $("article-title").textContent = rec.citation;
      box.replaceChildren(el("mark", { id: "cited-paragraph" }, rec.text));
    } catch (err) {
      ML.showError(box, err);
    }
  }

  async function showArticle(act, number, paragraph, cited) {
    const box = $("article");
    $("article-hint").textContent = `Cited as ${cited}`;
    try {
      const art = await ML.api(`/v1/law/${encodeURIComponent(act)}/articles/${number}`);
      $("article-title").textContent = `${art.citation} — ${art.title}`;
      box.replaceChildren();
      const paragraphs = art.paragraphs || {};
      const body = art.text.startsWith(art.title) ? art.text.slice(art.title.length).trim() : art.text;
      if (paragraph && paragraphs[paragraph]) {
        const target = paragraphs[paragraph];
        const at = body.indexOf(target);
        if (at >= 0) {
          const mark = el("mark", { id: "cited-paragraph" }, target);
          box.append(body.slice(0, at), mark, body.slice(at + target.length));
          mark.scrollIntoView({ block: "nearest" });
        } else box.append(body);
      } else box.append(body);
      if (!art.official) box.append(el("p", { class: "hint" }, "Summary by migralex, not the official text."));
    } catch (err) {
      ML.showError(box, err);
    }
  }

  /** The form's input for an error's JSON path ("$.registration.date", "$.family[0].relation"). */
  function inputForPath(path) {
    const p = String(path || "").replace(/^\$\.?/, "");
    const m = /^(family|documents|diplomas|entries)\[(\d+)\]\.(\w+)/.exec(p);
    if (m) return containers[m[1]]?.querySelectorAll(".repeat-row")[Number(m[2])]?.querySelector(`[name="${m[3]}"]`) || null;
    return form.querySelector(`[name="${p}"]`);
  }
  const FIELD_LABELS = { "$.id": "Case id", "$.registration.date": "Date of first registration", "$.registration.member_state": "Member State of registration", "$.applicant.nationality": "Nationality", "$.applicant.date_of_birth": "Date of birth" };

  async function explain(caseObj) {
    ML.clearFieldErrors(form);
    const answer = $("answer");
    ML.status(statusNode, "Asking the engine…");
    $("explain").disabled = true;
    const crisis = $("crisis").checked ? "?crisis_derogation=true" : "";
    try {
      const deadlines = openapi.paths["/v1/cases/deadlines"]
        ? ML.api(`/v1/cases/deadlines${crisis}`, { method: "POST", body: caseObj })
        : Promise.resolve({ deadlines: [], unavailable: true });
      const [resp, proc, dl] = await Promise.all([
        ML.api(`/v1/cases/responsibility`, { method: "POST", body: caseObj }),
        ML.api(`/v1/cases/procedure${crisis}`, { method: "POST", body: caseObj }),
        deadlines,
      ]);
      const hasState = Boolean(openapi.paths["/v1/cases/state"]);
      const quoted = CaseAnswer.render(answer, { resp, proc, dl, caseObj }, { linkify, countryName, schemas, countries, hasState });
      ML.status(statusNode, `Answered for ${resp.id}.`);
      ML.urlState.set({ example: null, case: encodeCase(caseObj) }); // a shareable link to this case
      const first = answer.querySelector("#headline .article-link");
      if (first) first.click();
      await quoted;
    } catch (err) {
      // the previous answer goes: it answered another case; each error stands next to its field
      answer.replaceChildren();
      const detail = err && err.body && err.body.detail;
      const rest = Array.isArray(detail) ? ML.fieldErrors(form, detail, inputForPath, FIELD_LABELS) : null;
      if (!rest) ML.showError(answer, err);
      else answer.append(el("div", { class: "error", role: "alert" }, rest.length ? rest.map((d) => el("p", {}, d.text)) : "The case was not accepted: see the fields marked in the form."));
      ML.status(statusNode, "The case was not accepted.");
    } finally {
      $("explain").disabled = false;
    }
  }

  const linked = ML.urlState.get("case");
  if (linked) {
    try {
      formFromCase(JSON.parse(decodeURIComponent(escape(atob(linked)))));
      if (health.capabilities.cases) explain(caseFromForm());
    } catch {
      ML.status(statusNode, "The link does not hold a readable case.");
    }
  }
  const first = new URLSearchParams(location.search).get("example");
  if (first !== null && examples.examples[Number(first)]) {
    form.querySelector('[name="example"]').value = first;
    formFromCase(examples.examples[Number(first)].case);
    if (health.capabilities.cases) explain(caseFromForm());
  }
})().catch((err) => {
  const node = document.getElementById("status");
  if (node) node.textContent = `Error: ${err.message}`;
  console.error(err);
});
