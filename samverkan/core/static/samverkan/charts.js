// Indicator charts: the district's series with its 95 % interval as a band,
// and the whole municipality for rates. The same numbers are in the table.
(function () {
  if (!window.Chart) {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const preliminary = data.preliminary || [];
    const incomplete = data.incomplete || [];
    const hidden = data.hidden || [];
    // A part period is drawn apart: an open square, and no line into or out of it.
    const apart = (flags) => ({
      borderColor: (ctx) => (flags[ctx.p0DataIndex] || flags[ctx.p1DataIndex] ? "transparent" : undefined),
    });
    const marker = (flags, colour) => ({
      pointStyle: (ctx) => (flags[ctx.dataIndex] ? "rect" : preliminary[ctx.dataIndex] ? "triangle" : "circle"),
      pointRadius: (ctx) => (flags[ctx.dataIndex] ? 6 : preliminary[ctx.dataIndex] ? 7 : 3),
      pointBorderWidth: (ctx) => (flags[ctx.dataIndex] ? 2 : 1),
      pointBackgroundColor: (ctx) => (flags[ctx.dataIndex] || preliminary[ctx.dataIndex] ? "#ffffff" : colour),
    });
    const datasets = [
      // The band is drawn between low and high; the legend names it once (the upper edge).
      { label: "", data: data.low, borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: "rgba(11,79,138,0.2)" },
      { label: data.band || "95 %", data: data.high, borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(11,79,138,0.2)" },
      {
        label: canvas.dataset.area,
        data: data.area,
        borderColor: "#0b4f8a",
        backgroundColor: "#0b4f8a",
        borderWidth: 2,
        spanGaps: false,
        segment: apart(incomplete),
        // A preliminary figure is a larger, open triangle (its label also says "prel.").
        ...marker(incomplete, "#0b4f8a"),
      },
    ];
    if (canvas.dataset.rate === "1" && data.municipality.some((v) => v !== null)) {
      const partly = data.municipality_incomplete || [];
      datasets.push({
        label: canvas.dataset.municipality,
        data: data.municipality,
        borderColor: "#6b3d00",
        backgroundColor: "#6b3d00",
        borderDash: [6, 4],
        borderWidth: 2,
        segment: apart(partly),
        ...marker(partly, "#6b3d00"),
      });
    }
    if (hidden.some(Boolean)) {
      // Hidden values sit on the axis as crosses; the tooltip says "..", never a number.
      datasets.push({
        label: data.hidden_label,
        data: hidden.map((h) => (h ? 0 : null)),
        showLine: false,
        pointStyle: "crossRot",
        pointRadius: 6,
        pointBorderWidth: 2,
        borderColor: "#4d4d4d",
        backgroundColor: "#4d4d4d",
        hiddenValue: true,
      });
    }
    if (incomplete.some(Boolean)) {
      // A legend entry for the open square (it draws nothing).
      datasets.push({ label: data.incomplete_label, data: [], pointStyle: "rect", pointRadius: 6, borderColor: "#0b4f8a", backgroundColor: "#ffffff", borderWidth: 2 });
    }
    // A measure's baseline and target, as level lines across the chart.
    [["baseline", "#4d4d4d", [2, 3]], ["target", "#1a7f37", [10, 4]]].forEach(([name, colour, dash]) => {
      if (data[name] !== undefined && data[name] !== null) {
        datasets.push({
          label: data[name + "_label"] || name,
          data: data.labels.map(() => data[name]),
          borderColor: colour,
          backgroundColor: colour,
          borderDash: dash,
          borderWidth: 2,
          pointRadius: 0,
        });
      }
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // Room for the last point's marker (an open square is larger than a dot).
        layout: { padding: { right: 10 } },
        plugins: {
          legend: { labels: { filter: (item) => item.text !== "" } },
          tooltip: {
            callbacks: {
              label: (ctx) => (ctx.dataset.hiddenValue ? ctx.dataset.label : undefined),
            },
          },
        },
        scales: { y: { beginAtZero: true, title: { display: Boolean(data.unit), text: data.unit || "" } } },
      },
    });
    canvas.dataset.drawn = String(data.labels.length);
    canvas.dataset.preliminary = String(preliminary.filter(Boolean).length);
    canvas.dataset.incomplete = String(incomplete.filter(Boolean).length);
    canvas.dataset.hidden = String(hidden.filter(Boolean).length);
  });
})();
