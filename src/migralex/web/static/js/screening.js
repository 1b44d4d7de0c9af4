/* Screening page: one screening in progress, its elements, queries, hits and the clock (SR Arts 8-18). */
"use strict";

(async () => {
  const $ = (id) => document.getElementById(id);
  const { el } = ML;
  const BASE = "/v1/registry/screenings";
  const statusNode = $("status");
  let current = null;
  let timer = null;

  const health = await ML.api("/v1/health");
  if (!health.capabilities.screening) {
    ML.unavailable("The screening (migralex.screening) is not available in this build.", $("open"));
    return;
  }
  $("screening-id").value = ML.urlState.get("id") || "";

  /** A request with the staff token (the shared ML.api sends no Authorization header). */
  async function call(path) {
    const res = await fetch(path, { headers: { Accept: "application/json", Authorization: `Bearer ${$("token").value.trim()}` } });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (!res.ok) throw new ML.ApiError(res.status, data);
    return data;
  }

  $("open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });

  async function load() {
    $("errors").replaceChildren();
    const id = $("screening-id").value.trim();
    ML.urlState.set({ id });
    ML.status(statusNode, "Loading…");
    try {
      drawList(await call(BASE));
      if (id) {
        current = await call(`${BASE}/${encodeURIComponent(id)}`);
        draw();
        ML.status(statusNode, `Screening ${current.id}: ${current.status}.`);
      } else {
        ML.status(statusNode, "Choose a screening from the list.");
      }
    } catch (err) {
      ML.showError($("errors"), err);
      ML.status(statusNode, "Could not load the screening.");
    }
  }

  function drawList(rows) {
    $("list-card").hidden = false;
    const link = (v) => el("a", { href: `?id=${encodeURIComponent(v)}`, onclick: (e) => { e.preventDefault(); $("screening-id").value = v; load(); } }, v);
    $("list-table").replaceChildren(
      ML.table(
        [
          { key: "id", label: "Screening", format: link },
          { key: "status", label: "Status" },
          { key: "last_day", label: "Last day" },
          { key: "hours_left", label: "Hours left", format: (v, r) => (r.expired ? "expired" : ML.fmt(v)) },
          { key: "outcome", label: "Referred to", format: (v) => v || "—" },
        ],
        rows,
        { caption: "Screenings of the Member State with their time limits" },
      ),
    );
  }

  function drawClock() {
    const t = current.time_limit;
    const expires = new Date(current.clock.expires_at);
    const start = new Date(`${t.start}T00:00:00`);
    const now = new Date();
    const left = (expires - now) / 3.6e6;
    const share = Math.min(1, Math.max(0, (now - start) / (expires - start)));
    $("elapsed").value = share;
    $("elapsed").setAttribute("aria-label", `${Math.round(share * 100)} % of the time limit elapsed`);
    const ended = current.status !== "in_progress";
    $("clock-line").textContent = ended
      ? `ended ${current.ended_at} — ${current.status}`
      : left > 0 ? `${Math.floor(left)} h ${Math.floor((left % 1) * 60)} min left, until the end of ${t.last_day}` : `time limit expired at the end of ${t.last_day}: the screening ends with what was not done (Art. 18(5))`;
  }

  function draw() {
    const c = current;
    $("clock-card").hidden = false;
    $("summary-line").textContent = `${c.id} — ${c.member_state} — ${c.reason} (${c.legal_basis}) — ${c.status}${c.outcome ? ` — referred: ${c.outcome} (${c.outcome_basis})` : ""} — time limit ${c.time_limit.last_day} (${c.time_limit.legal_basis})`;
    $("limit-reason").textContent = c.time_limit.reason;
    drawClock();
    clearInterval(timer);
    timer = setInterval(drawClock, 30000);
    $("detail").hidden = false;
    const checks = Object.entries(c.checks).map(([element, v]) => ({ element, ...v }));
    $("checks-table").replaceChildren(
      ML.table(
        [
          { key: "element", label: "Element" },
          { key: "status", label: "Status" },
          { key: "basis", label: "Article" },
          { key: "not_done", label: "Not done, and why", format: (v) => v || "—" },
        ],
        checks,
        { caption: "Elements of the screening" },
      ),
    );
    const queries = Object.values(c.queries || {});
    $("queries-table").replaceChildren(
      queries.length
        ? ML.table(
            [
              { key: "system", label: "System" },
              { key: "answer", label: "Answer" },
              { key: "legal_basis", label: "Article" },
              { key: "latency_ms", label: "Latency (ms)" },
              { key: "not_done", label: "Not done, and why", format: (v) => v || "—" },
            ],
            queries,
            { caption: "Queries of the EU systems" },
          )
        : el("p", {}, c.queries ? "No system queried yet." : "Not visible to this role (purpose limitation)."),
    );
    const hits = c.hits || [];
    $("hits-table").replaceChildren(
      hits.length
        ? ML.table(
            [
              { key: "system", label: "Hit in" },
              { key: "reference", label: "Reference" },
              { key: "status", label: "Verification (Art. 16)" },
              { key: "security", label: "Security", format: (v) => (v ? "yes" : "no") },
            ],
            hits,
            { caption: "Hits to verify manually" },
          )
        : el("p", {}, "No hit."),
    );
  }
})();
