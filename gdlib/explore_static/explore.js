/* gdlib static explorations: precomputed frames driven by plain HTML controls.
   Self-contained (no library, no network). Defines one global, gdlibExplore;
   safe to include many times: every copy scans for explorations not yet
   started and starts them once. */
(function () {
  "use strict";
  var NS = window.gdlibExplore;
  if (!NS || NS.version !== 1) {
    NS = window.gdlibExplore = { version: 1, count: 0, instances: [] };

    var esc = function (s) {
      return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    };

    var markerPath = function (m, x, y, r) {
      switch (m) {
        case "s": return "M" + (x - r) + " " + (y - r) + "h" + 2 * r + "v" + 2 * r + "h" + -2 * r + "z";
        case "D": case "d": return "M" + x + " " + (y - r) + "L" + (x + r) + " " + y + "L" + x + " " + (y + r) + "L" + (x - r) + " " + y + "z";
        case "^": return "M" + x + " " + (y - r) + "L" + (x + r) + " " + (y + r) + "L" + (x - r) + " " + (y + r) + "z";
        case "v": return "M" + x + " " + (y + r) + "L" + (x + r) + " " + (y - r) + "L" + (x - r) + " " + (y - r) + "z";
        case "x": return "M" + (x - r) + " " + (y - r) + "L" + (x + r) + " " + (y + r) + "M" + (x - r) + " " + (y + r) + "L" + (x + r) + " " + (y - r);
        case "+": return "M" + (x - r) + " " + y + "H" + (x + r) + "M" + x + " " + (y - r) + "V" + (y + r);
        default: return "M" + (x - r) + " " + y + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " + -2 * r + " 0z";
      }
    };

    var coords = function (data, ref) {
      var g = data.geoms[ref[0]];
      return ref[1] === 0 && ref[2] === g.length ? g : g.slice(ref[1], ref[1] + ref[2]);
    };

    var itemSvg = function (data, it, uid) {
      var clip = it.k === null || it.k === undefined ? "" : ' clip-path="url(#' + uid + "-c" + it.k + ')"';
      var out = "";
      if (it.t === "i") {
        return '<image href="' + data.images[it.i] + '" x="' + it.x + '" y="' + it.y + '" width="' + it.w +
          '" height="' + it.h + '" preserveAspectRatio="none"/>';
      }
      if (it.t === "t") {
        var anchor = { left: "start", center: "middle", right: "end" }[it.ha] || "start";
        var base = { top: "hanging", center: "central", center_baseline: "central", bottom: "text-after-edge", baseline: "alphabetic" }[it.va] || "alphabetic";
        return '<text x="' + it.x + '" y="' + it.y + '" fill="' + it.c + '" font-size="' + it.fs +
          '" font-weight="' + esc(it.fw) + '" text-anchor="' + anchor + '" dominant-baseline="' + base +
          '" font-family="DejaVu Sans, Bitstream Vera Sans, sans-serif"' + clip + ">" + esc(it.s) + "</text>";
      }
      if (it.p) {
        var p = coords(data, it.p), d = "", pen = "M";
        for (var i = 0; i < p.length; i += 2) {
          if (p[i] === null) { pen = "M"; i -= 1; continue; }
          d += pen + p[i] + " " + p[i + 1];
          pen = "L";
        }
        if (d) {
          out += '<path d="' + d + '" fill="none" stroke="' + it.c + '" stroke-width="' + it.w +
            '" stroke-opacity="' + it.a + '" stroke-linejoin="round" stroke-linecap="' + (it.d ? "butt" : "round") + '"' +
            (it.d ? ' stroke-dasharray="' + it.d + '"' : "") + clip + "/>";
        }
      }
      if (it.q && it.m) {
        var q = coords(data, it.q), r = it.m === "." ? it.ms / 4 : it.ms / 2, md = "";
        for (var j = 0; j + 1 < q.length; j += 2) { md += markerPath(it.m, q[j], q[j + 1], r); }
        if (md) {
          var open = it.m === "x" || it.m === "+";
          out += '<path d="' + md + '" fill="' + (open ? "none" : it.mf) + '" stroke="' + (open ? it.mf === "none" ? it.me : it.me : it.me) +
            '" stroke-width="' + (open ? Math.max(it.mw, it.w) : it.mw) + '" fill-opacity="' + it.a + '" stroke-opacity="' + it.a + '"' + clip + "/>";
        }
      }
      return out;
    };

    var start = function (root) {
      var node = root.querySelector("script.gdx-data");
      if (!node) { return; }
      var data = JSON.parse(node.textContent);
      var uid = "gdx" + (NS.count++);
      var img = root.querySelector("img.gdx-image");
      var svg = root.querySelector("svg.gdx-overlay");
      var idx = data.controls.map(function (c) { return c.index; });
      for (var m = 0; m < data.images.length; m++) {
        if (!data.images[m]) { data.images[m] = img.getAttribute("src"); }
      }
      var inputs = [], outputs = [], timer = null, playPos = -1, playBtn = null;
      var defs = "<defs>" + data.clips.map(function (r, k) {
        return '<clipPath id="' + uid + "-c" + k + '"><rect x="' + r[0] + '" y="' + r[1] + '" width="' + r[2] + '" height="' + r[3] + '"/></clipPath>';
      }).join("") + "</defs>";

      var show = function () {
        var f = 0;
        for (var i = 0; i < idx.length; i++) { f += idx[i] * data.strides[i]; }
        var fr = data.uniq[data.frames[f]];
        var src = data.images[fr.img !== undefined ? fr.img : fr.bg];
        if (img.getAttribute("src") !== src) { img.setAttribute("src", src); }
        var items = [], flat = fr.items || [];
        for (var n = 0; n + 6 < flat.length; n += 7) {
          var st = data.styles[flat[n]], it = {};
          for (var key in st) { if (Object.prototype.hasOwnProperty.call(st, key)) { it[key] = st[key]; } }
          it.p = flat[n + 1] >= 0 ? [flat[n + 1], flat[n + 2], flat[n + 3]] : null;
          it.q = flat[n + 4] >= 0 ? [flat[n + 4], flat[n + 5], flat[n + 6]] : null;
          items.push(it);
        }
        items.sort(function (a, b) { return a.z - b.z; });
        svg.innerHTML = defs + items.map(function (it) { return itemSvg(data, it, uid); }).join("");
        for (var k = 0; k < idx.length; k++) {
          if (outputs[k]) { outputs[k].textContent = data.controls[k].texts[idx[k]]; }
          if (inputs[k] && inputs[k].type === "range") { inputs[k].value = String(idx[k]); }
        }
      };
      var stop = function () {
        if (timer !== null) { clearInterval(timer); timer = null; }
        if (playBtn) { playBtn.textContent = "play"; playBtn.title = "play"; }
      };
      var setPlay = function (v) {
        var n = data.controls[playPos].texts.length;
        idx[playPos] = Math.max(0, Math.min(n - 1, v));
        show();
      };

      Array.prototype.forEach.call(root.querySelectorAll(".gdx-control"), function (el) {
        var i = Number(el.getAttribute("data-i")), c = data.controls[i];
        var input = el.querySelector("input, select");
        inputs[i] = input;
        outputs[i] = el.querySelector("output");
        if (c.kind === "checkbox") {
          input.addEventListener("change", function () { idx[i] = input.checked ? 1 : 0; show(); });
        } else {
          input.addEventListener("input", function () { if (c.kind === "play") { stop(); } idx[i] = Number(input.value); show(); });
          input.addEventListener("change", function () { idx[i] = Number(input.value); show(); });
        }
        if (c.kind === "play") {
          playPos = i;
          playBtn = el.querySelector('[data-act="play"]');
          el.querySelector('[data-act="back"]').addEventListener("click", function () { stop(); setPlay(idx[i] - 1); });
          el.querySelector('[data-act="fwd"]').addEventListener("click", function () { stop(); setPlay(idx[i] + 1); });
          playBtn.addEventListener("click", function () {
            if (timer !== null) { stop(); return; }
            var n = c.texts.length;
            if (idx[i] >= n - 1) { setPlay(0); }
            playBtn.textContent = "pause";
            playBtn.title = "pause";
            timer = setInterval(function () {
              if (!document.body.contains(root)) { stop(); return; }
              setPlay(idx[i] + 1);
              if (idx[i] >= n - 1) { stop(); }
            }, c.interval);
          });
        }
      });
      show();
      root.setAttribute("data-gdx-ready", "1");
      NS.instances.push({ root: root, show: show, index: idx });
    };

    NS.scan = function () {
      Array.prototype.forEach.call(document.querySelectorAll(".gdlib-explore:not([data-gdx-ready])"), function (root) {
        root.setAttribute("data-gdx-ready", "0");
        try { start(root); } catch (e) { root.setAttribute("data-gdx-ready", "error"); throw e; }
      });
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { NS.scan(); });
    }
  }
  NS.scan();
})();
