// simgen trace: builds the timeline from the events in #trace-data (the
// SIM_TRACE=json stream of one run, documented in simrt/trace.go).
//
// Lanes: one per goroutine (class "lane", data-g), over event indexes on the
// x axis, with the clock's lane on top (class "lane-clock") when timers
// fired. Each lane is a row of spans (class "span running|runnable|
// blocked"), each with a title and hover text saying what the goroutine did
// or waited on. Wakes are lines (class "wake") from the waker's lane to the
// woken one; the failure is a red bar (id "failure-marker") and every
// goroutine still blocked at the end is marked (class "stuck-mark").
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var evs = data.events || [];
  var LANE = 26, RULER = 34;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function titled(e, text) {
    el("title", {}, e).textContent = text;
    e.setAttribute("data-info", text);
    return e;
  }
  function dur(ns) {
    if (ns === 0) return "0s";
    var units = [["h", 3600e9], ["m", 60e9], ["s", 1e9], ["ms", 1e6], ["µs", 1e3], ["ns", 1]];
    var out = "", rest = ns;
    for (var i = 0; i < units.length; i++) {
      var n = Math.floor(rest / units[i][1]);
      if (n > 0) { out += n + units[i][0]; rest -= n * units[i][1]; }
      if (out && i >= 2) break;
    }
    return out || "0s";
  }
  function short(pos) {
    if (!pos) return "";
    var i = pos.lastIndexOf("/");
    return i >= 0 ? pos.slice(i + 1) : pos;
  }
  function at(pos) { return pos ? " at " + pos : ""; }

  // Goroutines, in order of first appearance (the root first).
  var order = [], seen = {}, clockUsed = false;
  function see(g) {
    if (g > 0 && !seen[g]) { seen[g] = true; order.push(g); }
  }
  evs.forEach(function (e) {
    see(e.g); see(e.run); see(e.by);
    if (e.op === "spawn") see(e.target);
    if (e.g === 0 && (e.op === "clock" || e.op === "timer fire")) clockUsed = true;
  });
  order.sort(function (a, b) { return a - b; });
  var laneOf = {}, first = clockUsed ? 1 : 0;
  order.forEach(function (g, i) { laneOf[g] = first + i; });
  var nLanes = first + order.length;

  var n = evs.length;
  var px = Math.max(4, Math.min(22, Math.floor(1400 / Math.max(1, n))));
  var width = (n + 2) * px + 260;
  var height = RULER + nLanes * LANE + 8;
  var svg = el("svg", { width: width, height: height, id: "lanes-svg" });
  document.getElementById("scroll").appendChild(svg);
  function X(i) { return (i + 1) * px; }
  function Y(lane) { return RULER + lane * LANE; }

  // Lane backgrounds and labels.
  var labels = document.getElementById("labels");
  var rl = document.createElement("div");
  rl.className = "ruler-label";
  rl.textContent = "step / virtual time";
  labels.appendChild(rl);
  var laneG = {};
  if (clockUsed) {
    var cg = el("g", { "class": "lane-clock", "data-g": "0" }, svg);
    el("rect", { "class": "lane-bg", x: 0, y: Y(0), width: width, height: LANE }, cg);
    var cl = document.createElement("div");
    cl.textContent = "clock (timers)";
    labels.appendChild(cl);
    laneG[0] = cg;
  }
  var labelOf = {};
  order.forEach(function (g) {
    var lg = el("g", { "class": "lane", "data-g": String(g) }, svg);
    el("rect", { "class": "lane-bg" + (laneOf[g] % 2 ? " odd" : ""), x: 0, y: Y(laneOf[g]), width: width, height: LANE }, lg);
    laneG[g] = lg;
    var d = document.createElement("div");
    d.className = "lane-label";
    d.setAttribute("data-g", String(g));
    d.textContent = "g" + g + (g === data.root ? " (root)" : "");
    labels.appendChild(d);
    labelOf[g] = d;
  });

  // Replay the events into spans.
  var st = {}; // g -> {state, from, what}
  function begin(g, state, i, what) {
    if (!(g > 0)) return;
    var s = st[g];
    if (s) close(g, i);
    st[g] = { state: state, from: i, what: what || "" };
  }
  function close(g, i) {
    var s = st[g];
    if (!s || s.state === "done") return;
    var x0 = X(s.from), x1 = Math.max(X(i), x0 + 2);
    var ev0 = evs[s.from] || {}, ev1 = evs[Math.min(i, n - 1)] || {};
    var text = "g" + g + " " + s.state + (s.what ? ": " + s.what : "") +
      "\nsteps " + (ev0.step || 0) + "–" + (ev1.step || 0) + ", +" + dur(ev0.t || 0) + " – +" + dur(ev1.t || 0);
    titled(el("rect", { "class": "span " + s.state, x: x0, y: Y(laneOf[g]) + 5, width: x1 - x0, height: LANE - 10 }, laneG[g]), text);
  }
  var root = data.root || (order.length ? order[0] : 0);
  if (root) begin(root, "running", 0, "");
  var running = root;
  var lastStepLabel = -1e9, lastT = 0;

  evs.forEach(function (e, i) {
    var x = X(i);
    if (e.g > 0 && !st[e.g]) begin(e.g, "unknown", i, "state before the trace");
    if (e.decision && (i - lastStepLabel) * px >= 48) {
      el("line", { "class": "step-tick", x1: x, x2: x, y1: 20, y2: RULER }, svg);
      el("text", { "class": "step-label", x: x + 2, y: 30 }, svg).textContent = String(e.step);
      lastStepLabel = i;
    }
    switch (e.op) {
      case "spawn":
        begin(e.target, "runnable", i, "spawned by g" + e.g + at(e.pos));
        labelOf[e.target] && (labelOf[e.target].title = "created" + at(e.pos) + " by g" + e.g);
        break;
      case "block":
        begin(e.g, "blocked", i, "waits on " + e.wait + at(e.pos));
        break;
      case "wake": {
        var from = e.by ? laneOf[e.by] : (clockUsed ? 0 : laneOf[e.g]);
        var text = "g" + e.g + " woken by " + (e.by ? "g" + e.by : "a " + (e.via || "timer")) + at(e.pos) +
          "\n(it waited on " + (e.wait || "?") + ")";
        var ln = el("line", { "class": "wake", x1: x, x2: x + px * 0.6, y1: Y(from) + LANE / 2, y2: Y(laneOf[e.g]) + LANE / 2, "marker-end": "url(#arrow)", "data-from": String(e.by || 0), "data-to": String(e.g) }, svg);
        titled(ln, text);
        begin(e.g, "runnable", i, "woken by " + (e.by ? "g" + e.by : "a " + (e.via || "timer")) + at(e.pos));
        break;
      }
      case "exit":
        close(e.g, i);
        st[e.g] = { state: "done", from: i };
        if (running === e.g) running = 0;
        break;
      case "clock":
        el("line", { "class": "vtime", x1: x, x2: x, y1: 0, y2: height }, svg);
        titled(el("text", { "class": "vtime-label", x: x + 3, y: 11 }, svg), "clock +" + dur(e.advance) + " → +" + dur(e.t)).textContent = "+" + dur(e.t);
        lastT = e.t;
        break;
      case "timer fire":
        if (clockUsed) titled(el("circle", { "class": "op timer", cx: x, cy: Y(0) + LANE / 2, r: 3 }, laneG[0]), "timer fire: " + e.wait + (e.target ? " of g" + e.target : "") + at(e.pos));
        break;
      case "fault":
        // An injected fault (a crash, a partition, a lost write): a red
        // mark across every lane, since it changes the whole run.
        titled(el("line", { "class": "fault", x1: x, x2: x, y1: RULER, y2: height }, svg), "fault: " + e.wait);
        break;
      case "start": case "end": case "failure": case "run":
        break;
      default:
        if (e.g > 0) {
          var what = e.op + (e.op === "select case" ? " " + e.case : "") + at(e.pos);
          titled(el("rect", { "class": "op", x: x - 1, y: Y(laneOf[e.g]) + 2, width: 2, height: 4 }, laneG[e.g]),
            "g" + e.g + " " + what + (e.run ? "\n→ the scheduler runs g" + e.run + " (of " + e.of + " runnable)" : ""));
          if (st[e.g] && st[e.g].state === "running") st[e.g].what = what;
        }
    }
    if (e.run) {
      if (running && running !== e.run && st[running] && st[running].state === "running") begin(running, "runnable", i, "preempted at step " + e.step);
      if (!st[e.run] || st[e.run].state !== "running") begin(e.run, "running", i, "");
      running = e.run;
    }
  });
  order.forEach(function (g) { close(g, n); });

  // Arrowhead for wakes.
  var defs = el("defs", {}, svg);
  var m = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
  el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#6a4fc9" }, m);

  // The failure, and who was stuck at it.
  var fail = data.failure;
  var report = document.getElementById("report");
  if (fail) {
    var fx = X(n - 1);
    titled(el("rect", { id: "failure-marker", "class": "failure", x: fx, y: 0, width: 4, height: height }, svg), fail.kind + ":\n" + (fail.report || "").split("\n").slice(0, 3).join("\n"));
    report.textContent = fail.report || fail.kind;
    document.getElementById("report-title").textContent = "Failure: " + fail.kind;
    // The goroutine that failed: the one that panicked or hit a fatal
    // error, or the test's own (root) for a failed assertion.
    var failedG = fail.g || (fail.kind === "test failed" ? root : 0);
    if (failedG && laneOf[failedG] !== undefined) {
      var fy = Y(laneOf[failedG]);
      titled(el("rect", { "class": "failed-mark", x: fx - 10, y: fy + 3, width: 8, height: LANE - 6 }, laneG[failedG]), "g" + failedG + " failed: " + fail.kind);
      el("text", { "class": "failed-label", x: fx + 8, y: fy + 17 }, laneG[failedG]).textContent = "✖ " + fail.kind;
      labelOf[failedG].className += " failed";
      labelOf[failedG].textContent += "  ✖ " + fail.kind;
    }
    // Goroutines blocked at the end are stuck only when the run failed for
    // that: a deadlock, a leak, the time limit. Beside a panic they merely
    // waited.
    var stuckKinds = { "deadlock": true, "leak": true, "time limit": true };
    order.forEach(function (g) {
      var s = st[g];
      if (stuckKinds[fail.kind] && s && s.state === "blocked") {
        var y = Y(laneOf[g]);
        titled(el("rect", { "class": "stuck-mark", x: fx - 10, y: y + 3, width: 8, height: LANE - 6 }, laneG[g]), "g" + g + " stuck: " + s.what);
        el("text", { "class": "stuck-label", x: fx + 8, y: y + 17 }, laneG[g]).textContent = "✖ " + s.what.replace(/ at (\S+)$/, function (_, p) { return " at " + short(p); });
        labelOf[g].className += " stuck";
        labelOf[g].textContent += "  ✖ " + s.what.replace(/^waits on /, "").replace(/ at (\S+)$/, function (_, p) { return " @ " + short(p); });
      }
    });
  } else {
    report.className = "passed";
    report.textContent = "The run passed: no failure.";
    document.getElementById("report-title").textContent = "Outcome";
  }

  // Hover text.
  var info = document.getElementById("info");
  document.addEventListener("mouseover", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-info]") : null;
    if (t) info.textContent = t.getAttribute("data-info");
  });

  // The event log, as SIM_TRACE=1 would print it.
  var log = document.getElementById("log");
  var lines = [];
  evs.forEach(function (e) {
    var head = (e.decision ? "step " + e.step : "") ;
    var g = e.g ? "g" + e.g : (e.op === "clock" || e.op === "timer fire" ? "clock" : "");
    var what = e.op;
    if (e.op === "block") what = "block on " + e.wait;
    else if (e.op === "wake") what = "woken by " + (e.by ? "g" + e.by : "a " + e.via);
    else if (e.op === "spawn") what = "spawn g" + e.target;
    else if (e.op === "select case") what = "select case " + e.case;
    else if (e.op === "clock") what = "clock +" + dur(e.advance);
    else if (e.op === "run") what = e.wait ? "blocked on " + e.wait : "";
    else if (e.op === "failure") what = "FAILURE: " + e.kind;
    else if (e.op === "fault") what = "fault: " + e.wait;
    var line = (head + "          ").slice(0, 11) + ("+" + dur(e.t) + "          ").slice(0, 11) + (g + "      ").slice(0, 7) + what + (e.pos ? "  " + short(e.pos) : "") + (e.run ? "  -> run g" + e.run + " (of " + e.of + ")" : "");
    lines.push({ text: line, fail: e.op === "failure" });
  });
  lines.forEach(function (l) {
    var d = document.createElement("div");
    if (l.fail) d.className = "fail";
    d.textContent = l.text;
    log.appendChild(d);
  });
  document.getElementById("summary").textContent =
    order.length + " goroutines, " + n + " events, " + (n ? evs[n - 1].step : 0) + " decisions, virtual time +" + dur(n ? evs[n - 1].t : 0) +
    (data.dropped ? " (the first " + data.dropped + " events are left out)" : "");
  document.body.setAttribute("data-rendered", "true");
})();
