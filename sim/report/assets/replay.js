/* hallsim replay of a simulated day (sim/report/replay.py; docs/layout.md).
 * hallsimReplay(root, data) draws tickets as dots on the floor plan inside `root` and
 * returns {seek, play, pause, enlarge, zoom, fitted, state}. seek(t) is pure: the view at minute t of the day
 * depends on t and the data only; play() advances t with requestAnimationFrame and calls
 * seek. A ticket (arrival a, call c, start s, end e) waits in its item's waiting area on
 * [a, c) (an abandoned one on [a, e), an open one from a on), walks to its window on
 * [c, s) and is at the window on [s, e); its window is busy on [c, e). With the windows'
 * duty (data.duty: per window its on-duty intervals [start, end) of the day; null when
 * not given) a window that is not busy is off duty outside its intervals (class "off",
 * drawn hatched), else idle. */
"use strict";
function hallsimReplay(root, data) {
  const NS = "http://www.w3.org/2000/svg";
  const q = (sel) => root.querySelector(sel);
  const T = data.tickets, n = T.a.length;
  const A = Float64Array.from(T.a), C = Float64Array.from(T.c, (v) => v ?? NaN);
  const S = Float64Array.from(T.s, (v) => v ?? NaN);
  const E = Float64Array.from(T.e, (v) => v ?? Infinity);
  const W = Int32Array.from(T.w), I = Int32Array.from(T.i), O = Int8Array.from(T.o);
  const nWin = data.windows.length;
  const dotsLayer = q(".hs-dots");
  const dots = new Array(n), phase = new Int8Array(n).fill(-1);
  const px = new Float64Array(n).fill(NaN), py = new Float64Array(n).fill(NaN);
  const CLASS = ["dot", "dot waiting", "dot walking", "dot serving", "dot", "dot"];
  for (let k = 0; k < n; k++) {
    const d = document.createElementNS(NS, "circle");
    d.setAttribute("r", data.radius);
    d.setAttribute("fill", data.colours[I[k]]);
    d.setAttribute("class", "dot");
    d.style.display = "none";
    dotsLayer.appendChild(d);
    dots[k] = d;
  }
  const winEls = data.windows.map((w) => root.querySelector(`[id="${w.id}"]`));
  const winBusy = new Uint8Array(nWin);
  const duty = data.duty ?? null;  // null: no window is drawn off duty
  function onDuty(w, t) {
    for (const [s, e] of duty[w]) if (s <= t && t < e) return true;
    return false;
  }
  const areaOf = Int32Array.from(data.itemArea);
  const fill = new Int32Array(data.areas.length);
  const counters = {};
  for (const key of ["waiting", "walking", "serving", "gone", "served", "busy", "off"]) {
    counters[key] = q(`.hs-n-${key}`);
  }
  const slider = q(".hs-slider"), clock = q(".hs-clock"), cursor = q(".hs-cursor");
  const playBtn = q(".hs-play"), speedSel = q(".hs-speed");
  const state = { t: data.t0, playing: false, frameTimes: [], counts: null };

  function place(k, ph, x, y) {
    const d = dots[k];
    if (phase[k] !== ph) {
      const shown = ph >= 1 && ph <= 3;
      if (shown !== (phase[k] >= 1 && phase[k] <= 3)) d.style.display = shown ? "" : "none";
      d.setAttribute("class", CLASS[ph]);
      phase[k] = ph;
    }
    if (ph >= 1 && ph <= 3 && (px[k] !== x || py[k] !== y)) {
      d.setAttribute("cx", x); d.setAttribute("cy", y);
      px[k] = x; py[k] = y;
    }
  }

  function seat(area, slot) {
    const cols = area.cols;
    return [area.x + area.pad + (slot % cols) * area.pitch,
            area.y + area.top + Math.floor(slot / cols) * area.pitch];
  }

  function clockText(t) {
    const s = Math.max(0, Math.floor(t * 60));
    const hh = Math.floor(s / 3600), mm = Math.floor(s / 60) % 60, ss = s % 60;
    return `${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
  }

  /** Set the view at minute t of the day; returns the counts shown. */
  function seek(t) {
    state.t = t;
    fill.fill(0);
    winBusy.fill(0);
    let waiting = 0, walking = 0, serving = 0, gone = 0, served = 0, busy = 0;
    for (let k = 0; k < n; k++) {
      const a = A[k];
      if (a > t) { place(k, 0, 0, 0); continue; }
      const c = C[k], e = E[k];
      const called = !Number.isNaN(c);
      if (called ? t < c : t < e) {  // waiting in the item's area
        const ai = areaOf[I[k]];
        const [x, y] = seat(data.areas[ai], fill[ai]++);
        place(k, 1, x, y);
        waiting++;
        continue;
      }
      if (t >= e) {  // left: served, or gone without service
        if (O[k] === 0) { served++; place(k, 4, 0, 0); } else { gone++; place(k, 5, 0, 0); }
        continue;
      }
      const w = W[k], win = data.windows[w], s = S[k];
      if (win === undefined) { place(k, 0, 0, 0); continue; }  // no window on the plan
      if (!winBusy[w]) { winBusy[w] = 1; busy++; }
      if (t < s) {  // walking from the area's centre to the window
        const from = data.areas[areaOf[I[k]]];
        const f = (t - c) / (s - c);
        place(k, 2, from.cx + (win.x - from.cx) * f, from.cy + (win.y - from.cy) * f);
        walking++;
      } else {
        place(k, 3, win.x, win.y);
        serving++;
      }
    }
    let off = 0;
    for (let w = 0; w < nWin; w++) {
      const isOff = duty !== null && winBusy[w] === 0 && !onDuty(w, t);
      if (isOff) off++;
      const el = winEls[w];
      if (el) {
        el.classList.toggle("busy", winBusy[w] === 1);
        el.classList.toggle("off", isOff);
      }
    }
    const counts = { waiting, walking, serving, gone, served, busy, off };
    for (const key in counts) if (counters[key]) counters[key].textContent = counts[key];
    clock.textContent = clockText(t);
    if (Number(slider.value) !== t) slider.value = t;
    const cx = data.chart.x0 + (t - data.chart.t0) * data.chart.scale;
    cursor.setAttribute("x1", cx); cursor.setAttribute("x2", cx);
    state.counts = counts;
    return counts;
  }

  let last = null;
  function frame(now) {
    if (!state.playing) return;
    state.frameTimes.push(now);
    if (last !== null) {
      const minutes = ((now - last) / 1000) * Number(speedSel.value) / 60;
      const t = Math.min(data.t1, state.t + minutes);
      seek(t);
      if (t >= data.t1) { pause(); return; }
    }
    last = now;
    requestAnimationFrame(frame);
  }
  function play() {
    if (state.playing) return;
    if (state.t >= data.t1) seek(data.t0);
    state.playing = true; last = null;
    playBtn.textContent = data.labels.pause;
    requestAnimationFrame(frame);
  }
  function pause() {
    state.playing = false;
    playBtn.textContent = data.labels.play;
  }
  playBtn.addEventListener("click", () => (state.playing ? pause() : play()));
  /* the plan's zoom (select .hs-scale): "fit", the plan as wide as the replay (enlarged:
   * as large as the window leaves room for), or a share of the size it is drawn at (its
   * labels 10-13 px at 1), scrolled in its box and dragged with the mouse */
  const box = q(".hs-plan-box"), plan = q(".hs-plan"), scaleSel = q(".hs-scale");
  const drawn = plan.viewBox.baseVal;
  state.scale = "fit";
  function zoom(z) {
    const on = z !== "fit";
    state.scale = z;
    if (scaleSel) scaleSel.value = z;
    box.classList.toggle("hs-zoomed", on);
    plan.style.width = on ? `${Number(z) * drawn.width}px` : "";
    plan.style.height = on ? `${Number(z) * drawn.height}px` : "";
  }
  /** The share of its drawn size the plan is shown at when fitted. */
  function fitted() {
    const b = box.getBoundingClientRect();
    const wide = b.width / drawn.width;
    return root.classList.contains("hs-big") ? Math.min(wide, b.height / drawn.height) : wide;
  }
  if (scaleSel) scaleSel.addEventListener("change", () => zoom(scaleSel.value));
  let drag = null;
  box.addEventListener("pointerdown", (e) => {
    if (state.scale === "fit" || e.button !== 0) return;
    const b = box.getBoundingClientRect();  // not on a scroll bar: it scrolls by itself
    if (e.clientX - b.left >= box.clientWidth || e.clientY - b.top >= box.clientHeight) return;
    drag = { x: e.clientX, y: e.clientY, left: box.scrollLeft, top: box.scrollTop };
    box.classList.add("hs-dragging");
    box.setPointerCapture(e.pointerId);
  });
  box.addEventListener("pointermove", (e) => {
    if (drag === null) return;
    box.scrollLeft = drag.left - (e.clientX - drag.x);
    box.scrollTop = drag.top - (e.clientY - drag.y);
  });
  const stop = () => { drag = null; box.classList.remove("hs-dragging"); };
  box.addEventListener("pointerup", stop);
  box.addEventListener("pointercancel", stop);
  /* enlarge: the replay over the whole window (replay.css, .hs-big), the plan fitted to
   * the room left, unless that draws it at under data.fitLeast of its size (a 230 m row
   * of windows): then at 100 %, to scroll; the button or Escape brings it back, at the
   * zoom it had */
  const zoomBtn = q(".hs-zoom");
  let before = null;
  function enlarge(on) {
    if (on === root.classList.contains("hs-big")) return;
    root.classList.toggle("hs-big", on);
    zoomBtn.textContent = on ? data.labels.shrink : data.labels.enlarge;
    if (on) {
      before = state.scale;
      if (state.scale === "fit" && fitted() < (data.fitLeast ?? 0)) zoom("1");
    } else if (before !== null) {
      zoom(before);
      before = null;
    }
  }
  if (zoomBtn) {
    zoomBtn.addEventListener("click", () => enlarge(!root.classList.contains("hs-big")));
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") enlarge(false); });
  }
  slider.addEventListener("input", () => seek(Number(slider.value)));
  seek(data.t0);
  return { seek, play, pause, enlarge, zoom, fitted, state };
}
