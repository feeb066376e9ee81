/*
 * Runs in the page (Debian's chromium), after Chart.js's UMD build: draws
 * window.__dashboard (a RecordedDashboard, panel-series.ts) as Grafana's
 * grid of time series panels, one <canvas> per panel, with the panel's
 * title, unit and legend, and reports what it drew in window.__drawn.
 * Plain JavaScript: the page gets this file's text as it is.
 */
(() => {
  const dashboard = window.__dashboard;
  /** Grafana's grid: 24 columns; a height unit of ROW px. */
  const ROW = 36;
  const COLORS = ["#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1", "#ba43a9", "#705da0", "#508642", "#cca300", "#447ebc", "#c15c17", "#890f02", "#0a437c", "#6d1f62", "#584477", "#b7dbab", "#f4d598", "#70dbed", "#f9ba8f"];

  const IEC = ["B", "KiB", "MiB", "GiB", "TiB"];
  const SI = ["", "K", "M", "B", "T"];
  /** At most 3 significant digits, no trailing zeros: 0.0123, 1.5, 100, 250. */
  const trim = (n) => (Math.abs(n) >= 100 ? n.toFixed(0) : String(Number(n.toPrecision(3))));
  const scaled = (v, base, names) => {
    let i = 0;
    while (Math.abs(v) >= base && i < names.length - 1) {
      v /= base;
      i++;
    }
    return `${trim(v)}${names[i] ? ` ${names[i]}` : ""}`;
  };
  /** Grafana's units as its axes print them (the ones the dashboard uses). */
  const format = {
    reqps: (v) => `${scaled(v, 1000, SI)} req/s`,
    ops: (v) => `${scaled(v, 1000, SI)} ops/s`,
    percentunit: (v) => `${trim(v * 100)}%`,
    bytes: (v) => scaled(v, 1024, IEC),
    s: (v) => (v === 0 ? "0" : Math.abs(v) < 1e-3 ? `${trim(v * 1e6)} µs` : Math.abs(v) < 1 ? `${trim(v * 1000)} ms` : `${trim(v)} s`),
    short: (v) => scaled(v, 1000, SI).replace(" ", ""),
  };
  const unitFormat = (unit) => format[unit] ?? format.short;
  const clock = (t) => new Date(t * 1000).toISOString().slice(11, 19);

  const grid = document.getElementById("grid");
  for (const row of dashboard.rows) {
    const band = document.createElement("h3");
    band.className = "row";
    band.textContent = row.title;
    band.style.gridColumn = "1 / span 24";
    band.style.gridRow = `${row.y + 1} / span 1`;
    grid.append(band);
  }
  const drawn = [];
  for (const panel of dashboard.panels) {
    const box = document.createElement("section");
    box.className = "panel";
    box.style.gridColumn = `${panel.gridPos.x + 1} / span ${panel.gridPos.w}`;
    box.style.gridRow = `${panel.gridPos.y + 1} / span ${panel.gridPos.h}`;
    const title = document.createElement("h2");
    title.textContent = panel.title;
    box.append(title);
    const holder = document.createElement("div");
    holder.className = "chart";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-label", panel.title);
    holder.append(canvas);
    box.append(holder);
    if (panel.note) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = panel.note;
      box.append(note);
    }
    grid.append(box);

    const fmt = unitFormat(panel.unit);
    const datasets = panel.series.map((s, i) => ({
      label: s.label,
      data: s.points.map(([x, y]) => ({ x, y })),
      borderColor: COLORS[i % COLORS.length],
      backgroundColor: COLORS[i % COLORS.length],
      borderWidth: 1.5,
      pointRadius: 0,
      spanGaps: false,
    }));
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        scales: {
          x: { type: "linear", min: dashboard.range.start, max: dashboard.range.end, ticks: { color: "#9fa7b3", maxTicksLimit: 6, callback: (v) => clock(v) }, grid: { color: "#2c3235" } },
          y: { beginAtZero: true, ticks: { color: "#9fa7b3", maxTicksLimit: 5, callback: (v) => fmt(v) }, grid: { color: "#2c3235" } },
        },
        plugins: {
          legend: { display: datasets.length > 0, position: "bottom", align: "start", labels: { color: "#ccccdc", boxWidth: 10, boxHeight: 2, font: { size: 10 }, padding: 6 } },
          tooltip: { enabled: false },
        },
      },
    });
    drawn.push({ title: panel.title, datasets: chart.data.datasets.length, points: chart.data.datasets.reduce((n, d) => n + d.data.filter((p) => p.y !== null).length, 0) });
  }
  window.__drawn = drawn;
})();
