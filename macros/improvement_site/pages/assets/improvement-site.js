/* improvement-site: tell readers when a table is wider than the screen. Each wide table sits in
   a labelled, focusable scroll region (.ims-table-wrap) with a hint above it ("Scroll sideways
   to see all columns") that stays hidden unless the table does not fit. Without JavaScript the
   region's edge shadows (CSS) are the cue. */
(function () {
  function update() {
    var wraps = document.querySelectorAll(".ims-table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var hint = wrap.previousElementSibling;
      var overflows = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("ims-table-wrap--scrolls", overflows);
      if (hint && hint.classList.contains("ims-scroll-hint")) {
        hint.hidden = !overflows;
      }
    }
  }
  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 100);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true); /* a <details> opened: its table shows */
})();
