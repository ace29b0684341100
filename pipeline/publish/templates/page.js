
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.variant"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.spot"));
  var lang = document.getElementById("filter-lang");
  var profile = document.getElementById("filter-profile");

  // ?lang=nah&profile=web or #lang=nah: the hash wins, so a shared link keeps its filter.
  function requested() {
    var query = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    hash.forEach(function (value, key) { query.set(key, value); });
    return query;
  }

  function choose(select, value) {
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var visible = (!lang.value || row.dataset.lang === lang.value) &&
                    (!profile.value || row.dataset.profile === profile.value);
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("tr.variant:not([hidden])");
    });
    document.getElementById("shown-count").textContent = String(shown);
    document.getElementById("no-match").hidden = shown > 0 || rows.length === 0;
  }

  function remember() {
    var state = new URLSearchParams();
    if (lang.value) { state.set("lang", lang.value); }
    if (profile.value) { state.set("profile", profile.value); }
    try {
      history.replaceState(null, "", state.toString() ? "#" + state.toString() : window.location.pathname + window.location.search);
    } catch (ignored) { /* some file:// contexts refuse it; the filter still works */ }
  }

  function copy(button) {
    var text = button.getAttribute("data-copy");
    var done = function () {
      button.textContent = "Copied";
      button.classList.add("copied");
      window.setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
    };
    var fallback = function () {
      var code = button.parentNode.querySelector("code");
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand && document.execCommand("copy")) { done(); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  var wanted = requested();
  choose(lang, wanted.get("lang"));
  choose(profile, wanted.get("profile"));
  document.getElementById("filters").hidden = false;
  lang.addEventListener("change", function () { apply(); remember(); });
  profile.addEventListener("change", function () { apply(); remember(); });
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () { copy(button); });
  });
  apply();
  document.documentElement.setAttribute("data-ready", "true");
}());
