// cloudbook editions (issue #13): a classic script on every page (mdBook `additional-js`),
// loaded before the playground's loader.
// 1. The language picker (links the build puts in the menu bar) carries the section the reader
//    is on (`#fragment`) to the other edition; headings keep their English ids in every edition.
// 2. Search: elasticlunr's trimmer strips everything but ASCII word characters from a query,
//    which erases Hangul. It is replaced by one that trims punctuation of any script; and the
//    step `cloudbook-ko-stem`, which the Korean edition's index names in its pipeline, removes a
//    trailing particle (컨테이너를 → 컨테이너) with the list the build wrote into that index.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a.cloudbook-language") : null;
    if (a && location.hash) a.href = a.href.split("#")[0] + location.hash;
  }, true);

  if (typeof elasticlunr === "undefined") return;
  var trimmer = function (token) {
    if (token === null || token === undefined) throw new Error("token should not be undefined");
    return token.replace(/^[^\p{L}\p{N}_]+/u, "").replace(/[^\p{L}\p{N}_]+$/u, "");
  };
  elasticlunr.trimmer = trimmer;
  elasticlunr.Pipeline.registerFunction(trimmer, "trimmer");

  function syllables(s) { return Array.from(s).length; }
  var stem = function (token) {
    var particles = (window.search && window.search.cloudbook_particles) || [];
    if (!/[\uAC00-\uD7A3]/.test(token)) return token;
    var best = token;
    particles.forEach(function (p) {
      if (token.length > p.length && token.slice(-p.length) === p) {
        var s = token.slice(0, -p.length);
        if (syllables(s) >= 2 && s.length < best.length) best = s;
      }
    });
    return best;
  };
  elasticlunr.Pipeline.registerFunction(stem, "cloudbook-ko-stem");
})();
