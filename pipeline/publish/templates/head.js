(function () {
  "use strict";
  // A reader who chose a language on this page before is sent to it from the default page,
  // before anything is drawn; a page asked for by name (index.en.html) is never redirected.
  var root = document.documentElement;
  var wanted = null;
  if (root.getAttribute("data-default-page") !== "true") { return; }
  try { wanted = window.localStorage.getItem("pipeline-page-language"); } catch (ignored) { return; }
  if (!wanted || wanted === root.getAttribute("lang")) { return; }
  var pages = document.querySelectorAll('link[rel="alternate"][hreflang]');
  for (var i = 0; i < pages.length; i += 1) {
    if (pages[i].getAttribute("hreflang") === wanted) {
      window.location.replace(pages[i].href + window.location.hash);
      return;
    }
  }
}());
