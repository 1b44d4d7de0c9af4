/* migralex dashboard: shared helpers (API calls, formatting, palettes, the map of Europe, charts). */
"use strict";

const ML = (() => {
  /** Okabe–Ito: a categorical palette distinguishable with the common colour-vision deficiencies. */
  const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  /** viridis (10 stops): perceptually uniform, readable in greyscale and with colour-vision deficiencies. */
  const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
  /** cividis (8 stops): the colour-vision-deficiency-optimised alternative to viridis. */
  const CIVIDIS = ["#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369", "#e1cc55", "#fee838"];
  const NO_DATA = "#e3e5e8";
  const NON_EU = "#f2f2f2";

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  /** Call the JSON API; throws ApiError (with the error body) on a non-2xx answer. */
  async function api(path, { method = "GET", body } = {}) {
    const init = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = null;
    const text = await res.text();
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /** Build an element: el("a", {href: "/", class: "x"}, "text", child). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const numberFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
  const ratioFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

  /** A number for people: thousands separators; ratios as percentages; small numbers with decimals. */
  function fmt(value, unit) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    if (typeof value !== "number") return String(value);
    if (unit === "ratio" || unit === "share") return `${ratioFormat.format(value * 100)} %`;
    if (unit === "percent") return `${ratioFormat.format(value)} %`;
    if (unit === "eur") return `€${numberFormat.format(value)}`;
    if (Math.abs(value) < 10 && !Number.isInteger(value)) return new Intl.NumberFormat("en-GB", { maximumFractionDigits: 3 }).format(value);
    return numberFormat.format(value);
  }

  /** Show an API error (with each bad field's path) in `container`. */
  function showError(container, err) {
    container.replaceChildren();
    const box = el("div", { class: "error", role: "alert" });
    const detail = err && err.body && err.body.detail;
    const invalid = Array.isArray(detail) && detail.length;
    // plain words first; the field's path stays, small, for the reader who edits JSON
    const message = invalid ? "Some values were not accepted:" : err instanceof ApiError && err.status >= 500 ? `The server could not answer (${err.message}).` : String(err.message || err);
    box.append(el("strong", {}, message));
    if (invalid) {
      box.append(el("ul", {}, detail.map((d) => el("li", {}, plainMessage(d.path, d.message), " ", el("small", {}, el("code", {}, d.path))))));
    }
    container.append(box);
  }

  /** Announce a short status in a polite live region. */
  function status(node, message) {
    if (node) node.textContent = message;
  }

  /** Lambert azimuthal equal-area centred on 52°N 10°E (the projection of EPSG:3035), for ECharts. */
  const LAEA = (() => {
    const rad = Math.PI / 180;
    const phi0 = 52 * rad;
    const lam0 = 10 * rad;
    return {
      project([lon, lat]) {
        const phi = lat * rad;
        const dl = lon * rad - lam0;
        const k = Math.sqrt(2 / (1 + Math.sin(phi0) * Math.sin(phi) + Math.cos(phi0) * Math.cos(phi) * Math.cos(dl)));
        const x = k * Math.cos(phi) * Math.sin(dl);
        const y = k * (Math.cos(phi0) * Math.sin(phi) - Math.sin(phi0) * Math.cos(phi) * Math.cos(dl));
        return [x * 1000, -y * 1000];
      },
      unproject([px, py]) {
        const x = px / 1000;
        const y = -py / 1000;
        const rho = Math.hypot(x, y);
        if (rho === 0) return [lam0 / rad, phi0 / rad];
        const c = 2 * Math.asin(Math.min(1, rho / 2));
        const phi = Math.asin(Math.cos(c) * Math.sin(phi0) + (y * Math.sin(c) * Math.cos(phi0)) / rho);
        const lam = lam0 + Math.atan2(x * Math.sin(c), rho * Math.cos(phi0) * Math.cos(c) - y * Math.sin(phi0) * Math.sin(c));
        return [lam / rad, phi / rad];
      },
    };
  })();

  let europePromise = null;
  /** Load the shipped GeoJSON of Europe once and register it with ECharts as map "europe". */
  function europe() {
    if (!europePromise) {
      europePromise = fetch("/static/geo/europe.geo.json")
        .then((r) => r.json())
        .then((geo) => {
          echarts.registerMap("europe", geo);
          return geo;
        });
    }
    return europePromise;
  }

  const charts = [];
  /** An ECharts instance on `node` (SVG renderer: crisp, and its text is in the page), resized with it. */
  function chart(node) {
    const instance = echarts.init(node, null, { renderer: "svg" });
    charts.push(instance);
    new ResizeObserver(() => instance.resize()).observe(node);
    return instance;
  }

  /** ECharts options every chart shares: the Okabe–Ito palette, ARIA descriptions, motion preference. */
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const base = {
    color: OKABE_ITO,
    aria: { enabled: true },
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" },
    animation: !reducedMotion, // honour the reader's "reduce motion" setting
    animationDuration: 300,
    animationDurationUpdate: 300,
  };

  /** ECharts' ARIA option with our own description (ECharts writes it into the container's aria-label). */
  function aria(description) {
    return { enabled: true, label: { description } };
  }

  /** A data table: `columns` = [{key, label, unit, format}], rows = array of objects. */
  function table(columns, rows, { caption, changed } = {}) {
    const t = el("table", { class: "data" });
    if (caption) t.append(el("caption", { class: "sr-only" }, caption));
    t.append(el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c.label)))));
    const body = el("tbody");
    for (const row of rows) {
      body.append(
        el(
          "tr",
          {},
          columns.map((c, i) => {
            const raw = row[c.key];
            const shown = c.format ? c.format(raw, row) : fmt(raw, c.unit);
            const cls = changed && changed(row, c) ? "changed" : null;
            return i === 0 ? el("th", { scope: "row", class: cls }, shown) : el("td", { class: cls }, shown);
          }),
        ),
      );
    }
    t.append(body);
    return sortable(t);
  }

  /** Run `fn` at most once per `ms` after the last call. */
  function debounce(fn, ms = 250) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  /** Citation → article link target: "AMMR Art. 29(1)(a)" → {act: "AMMR", article: 29, paragraph: "1"}. */
  function parseCitation(text) {
    const m = /^\s*([A-Za-z_ ]+?)\s+Art\.?\s*(\d+)(?:\((\d+)\))?(?:\(([a-z]{1,3})\))?/.exec(text || "");
    if (!m) return null;
    return { act: m[1].trim().toUpperCase().replace(/ /g, "_"), article: Number(m[2]), paragraph: m[3] || null, point: m[4] || null };
  }

  // ---------- publication helpers (docs/style.md): names, downloads, chart frames, sorting, links, errors ----------
  const collator = new Intl.Collator("en", { sensitivity: "base" });
  /** `list` sorted by name in the language shown (not by code): byName(countries) or byName(rows, "name"). */
  function byName(list, key = "name") {
    return [...list].sort((a, b) => collator.compare(String(a[key] ?? ""), String(b[key] ?? "")));
  }

  function save(filename, href) {
    const a = el("a", { href, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
  }

  /** CSV text of `rows` with `columns` [{key, label}] (raw values, not the formatted ones). */
  function csv(columns, rows) {
    const quote = (v) => {
      const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [columns.map((c) => quote(c.label || c.key)).join(","), ...rows.map((r) => columns.map((c) => quote(r[c.key])).join(","))].join("\n") + "\n";
  }

  /** Download the data of a chart or table as CSV. */
  function downloadCsv(filename, columns, rows) {
    save(filename, URL.createObjectURL(new Blob([csv(columns, rows)], { type: "text/csv;charset=utf-8" })));
  }

  /** Download an ECharts chart as SVG or PNG (rendered from its SVG at twice the size, white background). */
  async function downloadChart(instance, filename, type = "svg") {
    const svgUrl = instance.getDataURL({ type: "svg", backgroundColor: "#fff" });
    if (type === "svg") return save(filename, svgUrl);
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = reject;
      img.src = svgUrl;
    });
    const canvas = el("canvas", { width: instance.getWidth() * 2, height: instance.getHeight() * 2 });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    save(filename, canvas.toDataURL("image/png"));
  }

  /**
   * Frame a chart as a publication figure: a title above (what, where, when, unit), a source line below
   * (dataset and year) and downloads (CSV of the data, PNG and SVG of the chart). Call again to update.
   * opts: {title, source, name (file name stem), data: () => ({columns, rows})}
   */
  function frame(node, instance, opts) {
    let head = node.previousElementSibling;
    if (!head || !head.classList.contains("chart-title")) {
      head = el("p", { class: "chart-title" });
      node.before(head);
    }
    head.textContent = opts.title;
    let foot = node.nextElementSibling;
    if (!foot || !foot.classList.contains("chart-foot")) {
      foot = el("div", { class: "chart-foot" });
      node.after(foot);
    }
    const stem = opts.name || "migralex-chart";
    foot.replaceChildren(
      el("span", { class: "source" }, `Source: ${opts.source}`),
      el(
        "span",
        { class: "downloads" },
        opts.data ? el("button", { type: "button", class: "link", onclick: () => { const d = opts.data(); downloadCsv(`${stem}.csv`, d.columns, d.rows); } }, "CSV") : null,
        el("button", { type: "button", class: "link", onclick: () => downloadChart(instance, `${stem}.png`, "png") }, "PNG"),
        el("button", { type: "button", class: "link", onclick: () => downloadChart(instance, `${stem}.svg`, "svg") }, "SVG"),
      ),
    );
    return { head, foot };
  }

  /** Make a table's columns sortable: a button in each header; numbers sort as numbers, names by collation. */
  function sortable(t) {
    const heads = [...t.querySelectorAll("thead th")];
    heads.forEach((th, i) => {
      const label = th.textContent;
      const button = el("button", { type: "button", class: "sort" }, label);
      th.replaceChildren(button);
      button.addEventListener("click", () => {
        const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", dir);
        const body = t.tBodies[0];
        const key = (tr) => {
          const cell = tr.children[i];
          const raw = cell.dataset.value ?? cell.textContent;
          const num = Number(String(raw).replace(/[,%€\s]/g, ""));
          return raw !== "" && !Number.isNaN(num) ? num : String(raw);
        };
        const rows = [...body.rows].sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const c = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
          return dir === "ascending" ? c : -c;
        });
        body.append(...rows);
      });
    });
    return t;
  }

  /** The page's state in its URL (shareable links): urlState.get("job"), urlState.set({job: id}). */
  const urlState = {
    get(key) {
      return new URLSearchParams(location.search).get(key);
    },
    set(values) {
      const params = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(values)) {
        if (v === null || v === undefined || v === "") params.delete(k);
        else params.set(k, String(v));
      }
      const query = params.toString();
      history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    },
  };

  /** A validation message in plain words ("Case id is required"), from the API's path and message. */
  function plainMessage(path, message, labels = {}) {
    const field = labels[path] || String(path || "").replace(/^\$\.?/, "").split(".").pop().replace(/\[\d+\]/g, "").replace(/_/g, " ") || "This field";
    const name = field.charAt(0).toUpperCase() + field.slice(1);
    const m = String(message || "");
    if (/at least 1 character|required|missing/i.test(m)) return `${name} is required.`;
    if (/ISO 8601 date|valid date/i.test(m)) return `${name} must be a date (YYYY-MM-DD).`;
    if (/should be '|Input should be/i.test(m)) return `${name}: choose one of the listed values.`;
    if (/greater than|less than|at most|at least/i.test(m)) return `${name}: ${m.replace(/^Input should be /i, "must be ")}.`;
    if (/not an EU Member State|unknown country/i.test(m)) return `${name}: choose a country from the list.`;
    return `${name}: ${m}`;
  }

  /** Say in the page's #unavailable note that a capability is not in this build; disable `control` if given. */
  function unavailable(text, control) {
    const note = document.getElementById("unavailable");
    note.hidden = false;
    note.textContent = text;
    if (control) control.disabled = true;
  }

  /** Clear the field errors of a form (messages and highlights). */
  function clearFieldErrors(form) {
    form.querySelectorAll(".field-error").forEach((n) => n.remove());
    form.querySelectorAll("[aria-invalid]").forEach((n) => {
      n.removeAttribute("aria-invalid");
      n.removeAttribute("aria-describedby");
    });
  }

  /** Show each error next to its field (highlighted, described by the message); returns those not placed. */
  function fieldErrors(form, detail, inputFor, labels = {}) {
    clearFieldErrors(form);
    const rest = [];
    (detail || []).forEach((d, i) => {
      const input = inputFor(d.path);
      const text = plainMessage(d.path, d.message, labels);
      if (!input) return rest.push({ ...d, text });
      const id = `${input.id || "field"}-error-${i}`;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.after(el("span", { class: "field-error", id, role: "alert" }, text));
    });
    const first = form.querySelector("[aria-invalid]");
    if (first) first.focus();
    return rest;
  }

  return { unavailable, byName, csv, downloadCsv, downloadChart, frame, sortable, urlState, plainMessage, clearFieldErrors, fieldErrors, aria, OKABE_ITO, VIRIDIS, CIVIDIS, NO_DATA, NON_EU, ApiError, api, el, fmt, showError, status, LAEA, europe, chart, base, table, debounce, parseCitation };
})();
