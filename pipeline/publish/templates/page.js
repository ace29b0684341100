(function () {
  "use strict";
  var STORED_LANGUAGE = "pipeline-page-language";
  var each = function (selector, action) { Array.prototype.forEach.call(document.querySelectorAll(selector), action); };
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.card"));
  var languages = Object.keys(cards.reduce(function (codes, card) {
    codes[card.getAttribute("data-lang")] = true;
    return codes;
  }, {})).length;
  // Each card's names as words: a typed word finds the names it begins ("chol" finds Chʼol,
  // not Wixárika, whose Spanish name "huichol" merely holds it, as a trial's station saw).
  function nameWords(names) { return names.split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  var keys = cards.map(function (card) { return nameWords(card.getAttribute("data-search")); });
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.spot"));
  var search = document.getElementById("search");
  var count = document.getElementById("count");
  var announce = document.getElementById("announce");
  var language = document.documentElement.getAttribute("lang");
  // Counts as the page writes its figures (es-MX for the Spanish page: "1,000").
  var figures = document.documentElement.getAttribute("data-figures") || language;

  // The same folding as cards.fold() in Python: lower case, no accents, no apostrophes.
  var ignored = new RegExp("[" + search.getAttribute("data-ignore").replace(/[\\\]\^\-]/g, "\\$&") + "]", "gu");
  var foldFrom = Array.from(search.getAttribute("data-fold-from"));
  var foldTo = Array.from(search.getAttribute("data-fold-to"));
  function fold(text) {
    var folded = Array.from(text.toLowerCase().normalize("NFKD")).map(function (c) {
      var at = foldFrom.indexOf(c);
      return at < 0 ? c : foldTo[at];
    }).join("");
    return folded.replace(/\p{M}/gu, "").replace(ignored, "").split(/\s+/).filter(Boolean).join(" ");
  }

  function medium() {
    var checked = document.querySelector('input[name="medium"]:checked');
    return checked ? checked.value : "";
  }

  // #q=hnahnu&medium=radio&lang=ote (or the same as ?query): a shared link keeps its view.
  function requested() {
    var query = new URLSearchParams(window.location.search);
    var hash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    hash.forEach(function (value, key) { query.set(key, value); });
    return query;
  }

  var onlyLanguage = requested().get("lang") || "";

  // Letters typed wrong, left out, added or swapped between `a` and `b` (the optimal string
  // alignment distance), up to `most`: more is said as most + 1.
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) { return most + 1; }
    var rows = [];
    for (var i = 0; i <= a.length; i += 1) {
      rows.push([i]);
      for (var j = 1; j <= b.length; j += 1) {
        rows[i].push(i === 0 ? j : Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
          rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
      }
    }
    return rows[a.length][b.length];
  }

  // A word of five letters or more finds a name whose start is one slip away from it: a
  // trial's station typed "tsotzil" and "tsosil" and found nothing. Shorter words are too
  // near too many names ("mara" would find Maya).
  function near(word, name) {
    if (word.length < 5) { return false; }
    for (var length = word.length - 1; length <= word.length + 1; length += 1) {
      if (distance(word, name.slice(0, length), 1) <= 1) { return true; }
    }
    return false;
  }

  function finds(key, word, slips) {
    return key.some(function (name) {
      return name.indexOf(word) === 0 || (slips && near(word, name));
    });
  }

  // The cards a search finds: those with every word as typed; else, with every word or a
  // slip of it; else, of several words, those with any of them or a slip of it ("tsotsil
  // tseltal", a station's two languages). Returns {found: by card, near: whether not every
  // word was found as typed, missing: the words no card here finds, which another page may}.
  function searched(words) {
    var allowed = cards.map(function (card) {
      return !onlyLanguage || card.getAttribute("data-lang") === onlyLanguage;
    });
    var every = function (slips) {
      return function (key) { return words.every(function (word) { return finds(key, word, slips); }); };
    };
    var ways = [every(false), every(true), function (key) {
      return words.length > 1 && words.some(function (word) {
        return word.length >= 3 && finds(key, word, true);
      });
    }];
    var missing = words.filter(function (word) {
      return !keys.some(function (key, index) { return allowed[index] && finds(key, word, true); });
    });
    for (var way = 0; way < ways.length; way += 1) {
      var result = keys.map(function (key, index) { return allowed[index] && ways[way](key); });
      if (way === ways.length - 1 || result.some(Boolean)) {
        return {found: result, near: way > 0 && result.some(Boolean), missing: missing};
      }
    }
  }

  function apply() {
    var words = fold(search.value).split(" ").filter(Boolean);
    var wanted = medium();
    // Languages, not cards (one a spot and language): the header's "21 lenguas" and the count
    // said the same campaign as 21 and 56 (a trial's page at the campaign's real size).
    var shownLanguages = {};
    var elsewhereLanguages = {};   // found, but with files for other uses only
    var hits = searched(words);
    document.getElementById("near-match").hidden = !hits.near;
    cards.forEach(function (card, index) {
      var media = card.getAttribute("data-media").split(" ");
      var found = hits.found[index];
      var visible = found && (!wanted || media.indexOf(wanted) >= 0);
      if (found && !visible) { elsewhereLanguages[card.getAttribute("data-lang")] = true; }
      card.hidden = !visible;
      Array.prototype.forEach.call(card.querySelectorAll("li.file[data-medium]"), function (file) {
        var uses = file.getAttribute("data-medium").split(" ");
        file.hidden = Boolean(wanted) && uses.indexOf(wanted) < 0;
      });
      // The players of the medium chosen, where the card has one (else every player).
      var parts = card.querySelectorAll(".preview-part[data-preview-medium]");
      var serves = function (part) {
        return part.getAttribute("data-preview-medium").split(" ").indexOf(wanted) >= 0;
      };
      var kept = wanted && Array.prototype.some.call(parts, serves);
      Array.prototype.forEach.call(parts, function (part) {
        part.hidden = kept && !serves(part);
        // A hidden player is not heard: a video played, then Radio chosen, went on playing.
        if (part.hidden) { Array.prototype.forEach.call(part.querySelectorAll("video, audio"), function (player) { player.pause(); }); }
      });
      // The language's files of the medium chosen, where they are not all its files.
      var own = wanted && card.querySelector('details.take-all[data-bundle-medium="' + wanted + '"]');
      Array.prototype.forEach.call(card.querySelectorAll("details.take-all"), function (bundle) {
        bundle.hidden = own ? bundle !== own : bundle.getAttribute("data-bundle-medium") !== "";
      });
      // Every card shown is counted, a language's card of files not available yet too: a
      // trial's page counted only the cards with files and said "8 de 8" under 11 cards.
      if (visible) { shownLanguages[card.getAttribute("data-lang")] = true; }
    });
    var shown = Object.keys(shownLanguages).length;
    var elsewhere = Object.keys(elsewhereLanguages).filter(function (code) {
      return !shownLanguages[code];
    }).length;
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("li.card:not([hidden])");
    });
    // "Se muestra 1 de 8", "Se muestran 3 de 8": the template in the count's plural form, and
    // the language's in the total's ("Se muestra 1 de 1 lengua": a TV page said "lenguas").
    count.textContent = count.getAttribute("data-template" + (shown === 1 ? "-one" : "") +
                                           (languages === 1 ? "-of-one" : ""))
      .replace("{shown}", shown.toLocaleString(figures))
      .replace("{total}", languages.toLocaleString(figures));
    // A trial's station, Radio ticked, read "no language matches" of a language the page has
    // with subtitles only: it is said to be here, with files for other uses.
    document.getElementById("no-match").hidden = shown > 0 || elsewhere > 0 || cards.length === 0;
    var other = document.getElementById("no-match-medium");
    other.hidden = shown > 0 || elsewhere === 0;
    other.textContent = other.getAttribute(elsewhere === 1 ? "data-template-one" : "data-template")
      .replace("{num}", elsewhere.toLocaleString(figures));
    // Function replacers: a query's "$&" or "{medium}" is text, not a pattern.
    var printed = document.getElementById("print-filter");
    var chosen = document.querySelector('input[name="medium"]:checked');
    var query = search.value.trim() || onlyLanguage;
    printed.hidden = !query && !wanted;
    printed.textContent = printed.getAttribute(query ? "data-template" : "data-template-medium")
      .replace(/\{(shown|query|medium)\}/g,
      function (all, name) {
        return name === "shown" ? count.textContent : name === "query" ? query
          : chosen ? chosen.parentNode.textContent.trim() : "";
      });
    var related = document.getElementById("no-match-related");   // none without related pages
    if (related) {
      // Nothing shown here: the pages with a language of every word. Some shown: those with a
      // language of a word no card here finds (a trial's "tseltal tsotsil" on the TV page
      // showed Tsotsil, never saying that the radio page had Tseltal).
      var sought = shown > 0 ? hits.missing : words;
      var offered = 0;
      Array.prototype.forEach.call(related.querySelectorAll(".related-page"), function (page) {
        var names = page.getAttribute("data-search");    // none: its languages are not known
        var has = names === null ? shown === 0 : names.split("|").some(function (language) {
          var known = nameWords(language);
          var finding = function (word) { return finds(known, word, true); };
          return shown > 0 ? sought.some(finding) : sought.every(finding);
        });
        page.hidden = !has;
        if (has) { offered += 1; }
      });
      related.hidden = cards.length === 0 || offered === 0;
    }
    // The list of languages to go to offers the cards shown: a trial's, Radio chosen, still
    // offered the TV spots' 21 languages, which led to no file for radio.
    Array.prototype.forEach.call(document.querySelectorAll("#jump p[data-spot]"), function (line) {
      var any = false;
      Array.prototype.forEach.call(line.querySelectorAll(".jump-item"), function (item) {
        var card = document.getElementById(item.firstChild.getAttribute("href").slice(1));
        item.hidden = Boolean(card && card.hidden);
        any = any || !item.hidden;
      });
      line.hidden = !any;
    });
  }

  // What the search now shows, said once to a screen reader when the typing stops (WCAG 4.1.3):
  // a trial's blind producer heard only the count ("Se muestran 0 de 2") where the page wrote
  // that the language was on another page, or had files for other uses only; and the count
  // once a keystroke.
  var said = document.getElementById("search-said");
  var saying = 0;
  function shownText(node) {
    if (node.hidden) { return ""; }
    return Array.prototype.map.call(node.childNodes, function (child) {
      return child.nodeType === 3 ? child.nodeValue : child.nodeType === 1 ? " " + shownText(child) : "";
    }).join("");
  }
  function sayFound() {
    window.clearTimeout(saying);
    saying = window.setTimeout(function () {
      var text = [count, "near-match", "no-match", "no-match-medium", "no-match-related"]
        .map(function (node) { return typeof node === "string" ? document.getElementById(node) : node; })
        .filter(Boolean).map(function (node) {
          // A full stop after the count: a screen reader pauses there.
          var text = shownText(node).replace(/\s+/g, " ").trim();
          return !text || /[.:!?]$/.test(text) ? text : text + ".";
        }).filter(Boolean).join(" ");
      if (said.textContent !== text) { said.textContent = text; }
    }, 600);
  }

  function remember() {
    var state = new URLSearchParams();
    if (search.value) { state.set("q", search.value); }
    if (medium()) { state.set("medium", medium()); }
    if (onlyLanguage) { state.set("lang", onlyLanguage); }
    try {
      history.replaceState(null, "", state.toString() ? "#" + state.toString() : window.location.pathname + window.location.search);
    } catch (ignored) { /* some file:// contexts refuse it; the view still works */ }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    var text = source.textContent.trim();
    var label = button.firstChild;
    var done = function () {
      var before = label.nodeValue;
      label.nodeValue = announce.getAttribute("data-copied");
      announce.textContent = announce.getAttribute("data-copied");
      button.classList.add("copied");
      window.setTimeout(function () {
        label.nodeValue = before;
        button.classList.remove("copied");
        announce.textContent = "";
      }, 1500);
    };
    var fallback = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
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

  // Posters load as their card comes near the screen, not all at once.
  function showPoster(video) {
    video.setAttribute("poster", video.getAttribute("data-poster"));
    video.removeAttribute("data-poster");
  }
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { showPoster(entry.target); observer.unobserve(entry.target); }
      });
    }, {rootMargin: "400px"});
    each("video[data-poster]", function (video) { observer.observe(video); });
  } else {
    each("video[data-poster]", showPoster);
  }

  // A soft language's subtitles, and a forced narrative's, come on with its video; a `default`
  // track would load with the page.
  each("video[data-show-subtitles]", function (video) {
    video.addEventListener("play", function () {
      if (video.textTracks.length) { video.textTracks[0].mode = "showing"; }
    }, {once: true});
  });

  // Served over HTTP(S), the download command can name this folder's address.
  if (/^https?:$/.test(window.location.protocol)) {
    var folder = window.location.href.replace(/[#?].*$/, "").replace(/[^\/]*$/, "");
    each("[data-folder-url]", function (span) { span.textContent = folder.replace(/'/g, "'\\''"); });
    each("[data-catalog-url]", function (span) {
      span.textContent = "'" + (folder + "catalog.json").replace(/'/g, "'\\''") + "'";
    });
  }

  // The page is written in UTC (it cannot know where it is read); a station reads its own
  // clock: when it was published and until when presigned links work, in the reader's zone and
  // named ("hora estándar central"), the UTC text kept as the element's title.
  // ICU's zone names read as the USA's in Mexico ("hora estándar central", a trial's station):
  // the offset from UTC follows, which no one misreads ("(GMT-6)").
  // Where the Spanish page knows the reader's zone by the name Mexicans give it (what they
  // say, not the law's zone: Baja California's "Noroeste" is said "del Pacífico"), it says
  // that name: a trial's station read ICU's "hora estándar central".
  var MEXICAN_ZONES = {"America/Mexico_City": "hora del centro", "America/Monterrey":
    "hora del centro", "America/Merida": "hora del centro", "America/Bahia_Banderas":
    "hora del centro", "America/Chihuahua": "hora del centro", "America/Matamoros":
    "hora del centro", "America/Ojinaga": "hora del centro", "America/Cancun":
    "hora del sureste", "America/Mazatlan": "hora del Pacífico", "America/Hermosillo":
    "hora del Pacífico", "America/Tijuana": "hora del Pacífico", "America/Ensenada":
    "hora del Pacífico", "America/Santa_Isabel": "hora del Pacífico"};
  if (window.Intl && Intl.DateTimeFormat) {
    var zoneName = language === "es" &&
      MEXICAN_ZONES[Intl.DateTimeFormat().resolvedOptions().timeZone];
    var clock = new Intl.DateTimeFormat(figures, {year: "numeric", month: "long", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: zoneName ? undefined : "long"});
    var offset = new Intl.DateTimeFormat(figures, {timeZoneName: "short"});
    each("time[data-local]", function (time) {
      var moment = new Date(time.getAttribute("datetime"));
      if (isNaN(moment.getTime())) { return; }
      var zone = offset.formatToParts(moment).filter(function (part) {
        return part.type === "timeZoneName";
      }).map(function (part) { return part.value; })[0];
      time.title = time.textContent;
      time.textContent = clock.format(moment) + (zoneName ? " " + zoneName : "") +
        (zone && /\d/.test(zone) ? " (" + zone + ")" : "");
    });
  }

  // Opened from a file, "Download" plays a file rather than saving it (`download` is ignored
  // there): the page says how to save one.
  // A preview's subtitles too, which Chromium refuses to such a page.
  // A bundle's download and check are a served page's; from a file, its files are there.
  if (window.location.protocol === "file:") {
    each("#file-hint, [data-from-file]", function (hint) { hint.hidden = false; });
    each("[data-served]", function (served) { served.hidden = true; });
  }

  each("a[data-page-language]", function (link) {
    link.addEventListener("click", function () {
      try { window.localStorage.setItem(STORED_LANGUAGE, link.getAttribute("data-page-language")); } catch (ignored) { /* private mode */ }
      link.setAttribute("href", link.getAttribute("href").replace(/#.*$/, "") + window.location.hash);
    });
  });

  var wanted = requested();
  search.value = wanted.get("q") || "";
  each('input[name="medium"]', function (radio) {
    radio.checked = radio.value === (wanted.get("medium") || "");
    radio.addEventListener("change", function () { apply(); remember(); sayFound(); });
  });
  if (!medium()) { document.querySelector('input[name="medium"]').checked = true; }
  search.addEventListener("input", function () { onlyLanguage = ""; apply(); remember(); sayFound(); });
  // A clock number's soft hyphens (where it may break, page.css) are not part of it: a copy
  // gives the number as a station types it into its playout system.
  document.addEventListener("copy", function (event) {
    var text = String(window.getSelection());
    if (text.indexOf("\u00ad") < 0 || !event.clipboardData) { return; }
    event.clipboardData.setData("text/plain", text.split("\u00ad").join(""));
    event.preventDefault();
  });
  each("button.copy", function (button) {
    button.addEventListener("click", function () { copy(button); });
  });

  var tools = document.getElementById("tools");
  tools.hidden = false;
  // A control focused by tabbing back up was scrolled under the sticky search bar (a trial's
  // keyboard user lost 2-4 of them: WCAG 2.4.11): the page scrolls to below the bar.
  var padUnderTools = function () {
    var sticky = window.getComputedStyle(tools).position === "sticky";
    document.documentElement.style.scrollPaddingTop = sticky ? tools.offsetHeight + 8 + "px" : "";
  };
  apply();
  // Measured once its count is written, and again whenever the bar's height changes (its
  // count wrapping, a text zoom), not only when the window is resized.
  padUnderTools();
  if ("ResizeObserver" in window) {
    new ResizeObserver(padUnderTools).observe(tools);
  } else {
    window.addEventListener("resize", padUnderTools);
  }
  document.documentElement.setAttribute("data-ready", "true");
}());
