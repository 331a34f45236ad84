// improvement-site: draw each chart from the spec embedded in its page, with the local Vega
// bundle. Without JavaScript (or if drawing fails) the static SVG stays, so nothing is lost.
(function () {
  "use strict";
  function draw(figure) {
    var live = figure.querySelector(".ims-chart__live");
    var data = figure.querySelector("script.ims-chart-spec");
    var still = figure.querySelector(".ims-chart__static");
    if (!live || !data || typeof window.vegaEmbed !== "function") return;
    var spec;
    try { spec = JSON.parse(data.textContent); } catch (e) { return; }
    window.vegaEmbed(live, spec, { actions: false, renderer: "svg", tooltip: true })
      .then(function () {
        live.hidden = false;
        if (still) still.hidden = true;
        figure.classList.add("ims-chart--live");
      })
      .catch(function (err) { if (window.console) console.error(err); });
  }
  function start() {
    var figures = document.querySelectorAll("figure.ims-chart");
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
