// The analytics dashboard's live panel: draws the last hour per minute from the JSON the
// page embeds (#live-data), then fetches the panel's URL (data-live-url) every
// data-refresh-seconds and redraws. The figures above the chart are the page's own,
// so the panel says something without JavaScript too. No inline script: the CSP stays strict.
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  var source = document.getElementById("live-data");
  if (!panel || !source) { return; }
  var url = panel.getAttribute("data-live-url");
  var seconds = Number(panel.getAttribute("data-refresh-seconds")) || 15;
  var status = document.getElementById("live-status");
  var usual = status ? status.textContent : "";
  var chart = null;
  // The page's words (#live-words, in its language), as analytics.admin_views.live_words gives them.
  var wordSource = document.getElementById("live-words");
  var words = wordSource ? JSON.parse(wordSource.textContent) : {};
  function word(name) { return words[name] || name; }

  // Worded as analytics.live.describe_age words it on the server.
  function describeAge(age) {
    if (age === null || age === undefined) { return word("never"); }
    var units = [["d", 86400], ["h", 3600], ["min", 60]];
    for (var i = 0; i < units.length; i++) {
      if (age >= units[i][1]) { return word(units[i][0]).replace("%(count)s", Math.floor(age / units[i][1])); }
    }
    return word("s").replace("%(count)s", age);
  }

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element) { element.textContent = text; }
  }

  function draw(data) {
    ["events", "cart_additions", "orders"].forEach(function (name) { setText("live-" + name, data.totals[name]); });
    setText("live-age", describeAge(data.newest_event_age_seconds));
    setText("live-newest", data.newest_event_at || "");
    if (typeof Chart === "undefined") { return; }
    var datasets = [
      { label: word("events"), data: data.events, tension: 0.2 },
      { label: word("cart_additions"), data: data.cart_additions, tension: 0.2 },
      { label: word("orders"), data: data.orders, tension: 0.2 }
    ];
    if (chart) {
      chart.data.labels = data.minutes;
      chart.data.datasets.forEach(function (dataset, index) { dataset.data = datasets[index].data; });
      chart.update("none");
      return;
    }
    chart = new Chart(document.getElementById("chart-live"), {
      type: "line",
      data: { labels: data.minutes, datasets: datasets },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function refresh() {
    if (document.hidden) { return; }  // a tab nobody looks at does not poll the warehouse
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        draw(data);
        if (status) { status.textContent = usual; status.classList.remove("analytics-live-stale"); }
      })
      .catch(function () {
        if (status) {
          status.textContent = word("stale");
          status.classList.add("analytics-live-stale");
        }
      });
  }

  draw(JSON.parse(source.textContent));
  window.setInterval(refresh, seconds * 1000);
}());
