// The photo viewer and the slideshow.
//
// On a photo page this enhances the page's .viewer: ←/→ and swipes step through the album, the
// wheel, a pinch or a double tap zoom up to the original's resolution (the largest preview for
// viewers who may not download), I shows the information, F goes full screen, Space plays, Esc
// closes. On album, share and index pages the same viewer opens as an overlay over the grid. It
// fetches each photo's own page and shows that page's .viewer, so the server decides what a
// viewer sees exactly as for the page, and the URL stays /photos/ID: a reload or a copied URL
// opens that photo, and Back closes the overlay onto the grid where it was. Slideshows run in
// the overlay over one album, an album with its sub-albums, or the albums the index shows;
// their order (shuffled without repeats until every photo was shown), interval and position
// live in the browser.
(() => {
  "use strict";

  const messages = (() => {
    try { return JSON.parse(document.getElementById("messages")?.textContent || "{}"); } catch { return {}; }
  })();
  const tr = (message) => messages[message] || message;
  const PREFS = "albumen-viewer";
  const prefs = (() => {
    try { return JSON.parse(localStorage.getItem(PREFS)) || {}; } catch { return {}; }
  })();
  const savePrefs = () => {
    try { localStorage.setItem(PREFS, JSON.stringify(prefs)); } catch { /* this page only */ }
  };
  const INTERVALS = [3, 5, 8, 15, 30];
  const interval = () => (INTERVALS.includes(prefs.interval) ? prefs.interval : 5);

  // Parsed photo pages by id, the latest few (neighbours are fetched ahead).
  const pages = new Map();
  const fetchPage = (id) => {
    let entry = pages.get(id);
    if (!entry) {
      entry = fetch(`/photos/${id}`, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.text();
        })
        .then((text) => new DOMParser().parseFromString(text, "text/html"));
      entry.catch(() => pages.delete(id));
      pages.set(id, entry);
      if (pages.size > 32) pages.delete(pages.keys().next().value);
    }
    return entry;
  };
  // Starts loading the image a page will show, at the size it will be shown.
  const preloadImage = (doc) => {
    const img = doc.querySelector(".viewer .stage img");
    if (!img) return;
    const early = new Image();
    early.sizes = img.getAttribute("sizes") || "100vw";
    early.srcset = img.getAttribute("srcset") || "";
    early.src = img.getAttribute("src");
  };
  const idOf = (href) => {
    const match = /\/photos\/(\d+)(?:$|[?#])/.exec(href || "");
    return match ? match[1] : null;
  };
  const svg = (path) => {
    const ns = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    icon.append(shape);
    return icon;
  };
  const PLAY = "M8 5v14l11-7z";
  const PAUSE = "M7 5h4v14H7zM13 5h4v14h-4z";

  // Zoom and pan of one image: translate(x, y) scale(s), from the image's top left corner.
  class Zoom {
    constructor(viewer, stage, img) {
      this.viewer = viewer;
      this.stage = stage;
      this.img = img;
      this.s = 1; this.x = 0; this.y = 0;
      this.pointers = new Map();
      this.gesture = null;
      this.lastTap = null;
      this.fit();
    }

    // The image's size at scale 1: the photo fitted in the stage, never above its own size.
    fit() {
      const width = Number(this.viewer.dataset.width) || this.img.naturalWidth || 1;
      const height = Number(this.viewer.dataset.height) || this.img.naturalHeight || 1;
      const box = this.stage.getBoundingClientRect();
      const ratio = Math.min(box.width / width, box.height / height, 1) || 1;
      this.img.style.width = `${Math.round(width * ratio)}px`;
      this.img.style.height = `${Math.round(height * ratio)}px`;
      this.reset();
    }

    // Scale at which one pixel of the largest image this viewer may load covers one device pixel.
    max() {
      const full = Number(this.viewer.dataset.zoomWidth) || 0;
      return Math.max(1, full / (this.img.offsetWidth * devicePixelRatio || 1));
    }

    reset() { this.set(1, 0, 0); }

    // Keeps the image on the stage: centred while smaller than it, edges never inside it.
    set(s, x, y) {
      const box = this.stage.getBoundingClientRect();
      const left = this.img.offsetLeft;
      const top = this.img.offsetTop;
      const width = this.img.offsetWidth * s;
      const height = this.img.offsetHeight * s;
      const clamp = (value, size, room, origin) => (size <= room
        ? (room - size) / 2 - origin
        : Math.min(-origin, Math.max(room - size - origin, value)));
      this.s = s;
      this.x = s === 1 ? 0 : clamp(x, width, box.width, left);
      this.y = s === 1 ? 0 : clamp(y, height, box.height, top);
      this.img.style.transform = s === 1 ? "" : `translate(${this.x}px, ${this.y}px) scale(${s})`;
      this.viewer.classList.toggle("zoomed", s > 1);
      clearTimeout(this.sharpen);
      if (s > 1) this.sharpen = setTimeout(() => this.loadSharper(), 150);
    }

    // Zooms to `s` keeping the point (px, py) of the stage where it is.
    zoomAt(s, px, py) {
      const target = Math.min(this.max(), Math.max(1, s));
      const ox = px - this.img.offsetLeft;
      const oy = py - this.img.offsetTop;
      this.set(target, ox - (ox - this.x) * (target / this.s), oy - (oy - this.y) * (target / this.s));
    }

    zoomBy(factor) {
      const box = this.stage.getBoundingClientRect();
      this.zoomAt(this.s * factor, box.width / 2, box.height / 2);
    }

    // A sharper source once the zoomed image needs more pixels: a larger preview through the
    // srcset (the browser picks it from `sizes`), then the original when the viewer may have it.
    loadSharper() {
      const needed = this.img.offsetWidth * this.s * devicePixelRatio;
      const img = this.img;
      img.sizes = `${Math.ceil(this.img.offsetWidth * this.s)}px`;
      const original = this.viewer.dataset.original;
      const largest = Math.max(0, ...(img.getAttribute("srcset") || "").split(",")
        .map((candidate) => parseInt(candidate.trim().split(/\s+/)[1], 10) || 0));
      if (original && needed > largest && !this.originalLoading) {
        this.originalLoading = true;
        const full = new Image();
        full.onload = () => {
          if (img.isConnected) { img.removeAttribute("srcset"); img.src = original; }
        };
        full.src = original;
      }
    }

    point(event) {
      const box = this.stage.getBoundingClientRect();
      return [event.clientX - box.left, event.clientY - box.top];
    }

    wheel(event) {
      event.preventDefault();
      // Trackpad pinches arrive as wheel events with ctrlKey and small deltas.
      const speed = event.ctrlKey ? 0.01 : 0.0015;
      const [px, py] = this.point(event);
      this.zoomAt(this.s * Math.exp(-event.deltaY * speed), px, py);
    }

    down(event) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      this.stage.setPointerCapture(event.pointerId);
      this.pointers.set(event.pointerId, this.point(event));
      const points = [...this.pointers.values()];
      if (points.length === 1) {
        this.gesture = { kind: "one", start: points[0], at: performance.now(), x: this.x, y: this.y, moved: 0 };
      } else if (points.length === 2) {
        const [a, b] = points;
        this.gesture = {
          kind: "pinch", distance: Math.hypot(a[0] - b[0], a[1] - b[1]) || 1,
          s: this.s, mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], x: this.x, y: this.y,
        };
      }
    }

    move(event) {
      if (!this.pointers.has(event.pointerId) || !this.gesture) return;
      const p = this.point(event);
      this.pointers.set(event.pointerId, p);
      const g = this.gesture;
      if (g.kind === "pinch" && this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        const s = Math.min(this.max(), Math.max(1, g.s * Math.hypot(a[0] - b[0], a[1] - b[1]) / g.distance));
        // The image point under the fingers' first midpoint stays under their midpoint now.
        const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        const left = this.img.offsetLeft;
        const top = this.img.offsetTop;
        this.set(s, mid[0] - left - (g.mid[0] - left - g.x) * (s / g.s),
          mid[1] - top - (g.mid[1] - top - g.y) * (s / g.s));
      } else if (g.kind === "one") {
        const dx = p[0] - g.start[0];
        const dy = p[1] - g.start[1];
        g.moved = Math.max(g.moved, Math.hypot(dx, dy));
        if (this.s > 1) {
          this.viewer.classList.add("panning");
          this.set(this.s, g.x + dx, g.y + dy);
        }
      }
    }

    // Ends a gesture; returns what it meant for the viewer: "next", "prev", "close" or null.
    up(event) {
      if (!this.pointers.delete(event.pointerId)) return null;
      const g = this.gesture;
      this.viewer.classList.remove("panning");
      if (!g) return null;
      if (g.kind === "pinch") {
        if (this.pointers.size === 0) this.gesture = null;
        return null;
      }
      this.gesture = null;
      const [px, py] = this.point(event);
      const dx = px - g.start[0];
      const dy = py - g.start[1];
      const now = performance.now();
      if (g.moved < 10 && now - g.at < 350) {
        const last = this.lastTap;
        if (last && now - last.at < 350 && Math.hypot(px - last.p[0], py - last.p[1]) < 30) {
          this.lastTap = null;
          if (this.s > 1) this.reset();
          else this.zoomAt(Math.min(this.max(), 2.5), px, py);
        } else {
          this.lastTap = { at: now, p: [px, py] };
        }
        return null;
      }
      if (this.s > 1) return null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.2) return dx < 0 ? "next" : "prev";
      if (dy > 90 && dy > Math.abs(dx) * 1.2) return "close";
      return null;
    }
  }

  // The viewer in a host: the photo page's wrapper, or the overlay. The .viewer inside is
  // replaced by the next photo's; the host stays (it is what goes full screen).
  class Viewer {
    constructor(host, { overlay }) {
      this.host = host;
      this.overlay = overlay;
      this.show = null; // a running Slideshow
      this.loading = 0;
      this.live = document.createElement("p");
      this.live.className = "visually-hidden";
      this.live.setAttribute("aria-live", "polite");
      host.append(this.live);
      host.addEventListener("click", (event) => this.click(event));
      for (const kind of ["pointermove", "keydown"]) host.addEventListener(kind, () => this.awake());
      this.resize = () => this.zoom?.fit();
      addEventListener("resize", this.resize);
    }

    mount(el) {
      if (this.el) this.el.replaceWith(el);
      else this.host.prepend(el);
      this.el = el;
      el.classList.add("enhanced");
      el.classList.toggle("show-info", Boolean(prefs.info));
      const mayClose = this.overlay || document.querySelector('[data-key="up"]');
      const unavailable = {
        close: !mayClose,
        fullscreen: !document.fullscreenEnabled,
        play: el.hasAttribute("data-video") && !this.show,
      };
      for (const button of el.querySelectorAll("[data-action]")) {
        button.hidden = Boolean(unavailable[button.dataset.action]);
      }
      el.querySelector('[data-action="info"]')?.setAttribute("aria-pressed", String(Boolean(prefs.info)));
      if (this.show) el.querySelector(".position")?.replaceChildren(this.show.position());
      this.playing(Boolean(this.show?.running || this.autoplay));
      const stage = el.querySelector(".stage");
      const img = stage?.querySelector("img");
      this.zoom = null;
      if (img) {
        const zoom = new Zoom(el, stage, img);
        this.zoom = zoom;
        stage.addEventListener("wheel", (event) => zoom.wheel(event), { passive: false });
        stage.addEventListener("pointerdown", (event) => zoom.down(event));
        stage.addEventListener("pointermove", (event) => zoom.move(event));
        const end = (event) => {
          const meaning = zoom.up(event);
          if (meaning === "close") this.close();
          else if (meaning) this.step(meaning);
        };
        stage.addEventListener("pointerup", end);
        stage.addEventListener("pointercancel", end);
      }
      const name = el.querySelector(".info h2")?.textContent || "";
      this.live.textContent = `${name}, ${el.querySelector(".position")?.textContent || ""}`;
    }

    // Shows photo `id`: its page's .viewer, fetched (or taken from the page cache).
    async open(id) {
      const ticket = ++this.loading;
      let doc;
      try {
        doc = await fetchPage(id);
      } catch {
        if (ticket !== this.loading) return;
        if (this.show) { this.show.skip(id); return; }
        if (!this.overlay) { location.assign(`/photos/${id}`); return; }
        this.live.textContent = tr("This photo could not be loaded.");
        return;
      }
      const fresh = doc.querySelector(".viewer");
      if (ticket !== this.loading || !fresh) return;
      this.mount(document.importNode(fresh, true));
      document.title = doc.title;
      history.replaceState({ ...history.state, viewer: id }, "", `/photos/${id}`);
      for (const neighbour of this.neighbours()) {
        fetchPage(neighbour).then(preloadImage, () => {});
      }
      if (this.show) this.show.shown(this);
      else if (this.autoplay) this.schedule(() => this.step("next", true));
    }

    neighbours() {
      if (this.show) return this.show.upcoming();
      return ["next", "prev"].map((key) => idOf(this.el.querySelector(`[data-key="${key}"]`)?.getAttribute("href")))
        .filter(Boolean);
    }

    step(direction, automatic = false) {
      if (this.show) { this.show.step(this, direction, automatic); return; }
      const id = idOf(this.el?.querySelector(`[data-key="${direction}"]`)?.getAttribute("href"));
      if (id) this.open(id);
      else if (automatic) this.pause();
    }

    click(event) {
      // After a pointer's click on a control the keys go to the viewer again (Space plays
      // rather than pressing that control once more); keyboard users keep their focus.
      if (event.detail > 0 && this.overlay && event.target.closest("button")) this.host.focus();
      const step = event.target.closest(".step");
      if (step && this.host.contains(step)) {
        event.preventDefault();
        this.step(step.dataset.key);
        return;
      }
      const action = event.target.closest("[data-action]")?.dataset.action;
      if (action === "info") this.toggleInfo();
      else if (action === "fullscreen") this.toggleFullscreen();
      else if (action === "close") this.close();
      else if (action === "play") this.togglePlay();
    }

    key(event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea, select")) return;
      const keys = {
        ArrowLeft: () => this.step("prev"),
        ArrowRight: () => this.step("next"),
        Escape: () => (this.zoom?.s > 1 ? this.zoom.reset() : this.close()),
        f: () => this.toggleFullscreen(),
        i: () => this.toggleInfo(),
        " ": () => this.togglePlay(),
        "+": () => this.zoom?.zoomBy(1.5),
        "=": () => this.zoom?.zoomBy(1.5),
        "-": () => this.zoom?.zoomBy(1 / 1.5),
        0: () => this.zoom?.reset(),
      };
      const action = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
      if (!action || (event.key === " " && event.target.closest("button, a"))) return;
      event.preventDefault();
      this.awake();
      action();
    }

    toggleInfo() {
      prefs.info = !prefs.info;
      savePrefs();
      this.el.classList.toggle("show-info", prefs.info);
      this.el.querySelector('[data-action="info"]')?.setAttribute("aria-pressed", String(prefs.info));
      this.zoom?.fit();
    }

    toggleFullscreen() {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else this.host.requestFullscreen?.().catch(() => {});
    }

    // Space and the play button: the slideshow's pause, a video's, or stepping through the album.
    togglePlay() {
      if (this.show) { this.show.toggle(this); return; }
      const video = this.el?.querySelector(".stage video");
      if (video) { if (video.paused) video.play().catch(() => {}); else video.pause(); return; }
      if (this.el?.hasAttribute("data-video")) return;
      if (this.autoplay) { this.pause(); return; }
      this.autoplay = true;
      this.playing(true);
      this.schedule(() => this.step("next", true));
    }

    pause() {
      this.autoplay = false;
      clearTimeout(this.timer);
      this.playing(false);
    }

    // Runs `then` `interval` seconds after the shown image is decoded.
    schedule(then) {
      clearTimeout(this.timer);
      const img = this.el?.querySelector(".stage img");
      const ready = img ? img.decode().catch(() => {}) : Promise.resolve();
      const ticket = this.loading;
      ready.then(() => {
        if (ticket !== this.loading) return;
        this.timer = setTimeout(then, interval() * 1000);
      });
    }

    playing(on) {
      const button = this.el?.querySelector('[data-action="play"]');
      if (button) {
        button.replaceChildren(svg(on ? PAUSE : PLAY));
        button.querySelector("path").classList.add("fill");
        const label = tr(on ? "Pause slideshow (Space)" : "Play slideshow (Space)");
        button.setAttribute("aria-label", label);
        button.title = label;
      }
      this.host.classList.toggle("playing", on);
      this.awake();
    }

    // While playing, the tools fade after a few still seconds and come back on any movement.
    awake() {
      this.host.classList.remove("idle");
      clearTimeout(this.idleTimer);
      if (this.host.classList.contains("playing")) {
        this.idleTimer = setTimeout(() => this.host.classList.add("idle"), 3000);
      }
    }

    close() {
      if (this.overlay) {
        if (history.state?.viewer && history.state.overlay) history.back();
        else closeOverlay();
        return;
      }
      const up = document.querySelector('[data-key="up"]');
      if (up) location.assign(up.href);
    }

    destroy() {
      clearTimeout(this.timer);
      clearTimeout(this.idleTimer);
      removeEventListener("resize", this.resize);
      this.loading += 1;
    }
  }

  // The slideshow's order over a list of photos, kept per scope in sessionStorage so a reload
  // continues it: shuffled, every photo once before any comes again.
  class Slideshow {
    constructor(key, ids, bar) {
      this.key = `albumen-slideshow:${key}`;
      this.ids = ids;
      this.bar = bar;
      this.running = true;
      let saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(this.key)); } catch { /* none */ }
      const same = saved && Array.isArray(saved.order) && saved.order.length === ids.length
        && saved.shuffle === Boolean(prefs.shuffle) && ids.every((id) => saved.order.includes(id));
      if (same) {
        this.order = saved.order;
        this.at = Math.min(Math.max(0, saved.at | 0), ids.length - 1);
      } else {
        this.order = prefs.shuffle ? shuffled(ids) : [...ids];
        this.at = 0;
      }
    }

    save() {
      try {
        sessionStorage.setItem(this.key, JSON.stringify({ order: this.order, at: this.at, shuffle: Boolean(prefs.shuffle) }));
      } catch { /* this page only */ }
    }

    current() { return this.order[this.at]; }

    position() { return `${this.at + 1} / ${this.order.length}`; }

    upcoming() {
      return [this.order[this.at + 1], this.order[this.at - 1]].filter(Boolean);
    }

    step(viewer, direction, automatic) {
      if (direction === "next") {
        this.at += 1;
        if (this.at >= this.order.length) {
          // All were shown: a new round, which does not start with the photo just seen.
          const last = this.order[this.order.length - 1];
          this.order = prefs.shuffle ? shuffled(this.ids) : [...this.ids];
          if (prefs.shuffle && this.order.length > 1 && this.order[0] === last) this.order.push(this.order.shift());
          this.at = 0;
        }
      } else {
        this.at = Math.max(0, this.at - 1);
      }
      this.save();
      if (!automatic) clearTimeout(viewer.timer);
      viewer.open(this.current());
    }

    // A photo that can no longer be shown (removed, or no longer shared) leaves the show.
    skip(id) {
      this.ids = this.ids.filter((other) => other !== id);
      this.order = this.order.filter((other) => other !== id);
      if (!this.order.length) { closeOverlay(); return; }
      this.at = Math.min(this.at, this.order.length - 1);
      this.save();
      current.open(this.current());
    }

    shown(viewer) {
      if (this.running) viewer.schedule(() => this.step(viewer, "next", true));
    }

    toggle(viewer) {
      this.running = !this.running;
      if (this.running) this.shown(viewer);
      else clearTimeout(viewer.timer);
      viewer.playing(this.running);
      this.bar.querySelector('[data-show="pause"]').setAttribute("aria-pressed", String(!this.running));
    }

    // Shuffling on keeps what was shown and shuffles the rest; off, the album's order resumes
    // at the photo on screen.
    reshuffle(viewer) {
      const here = this.current();
      if (prefs.shuffle) {
        const seen = this.order.slice(0, this.at + 1);
        this.order = [...seen, ...shuffled(this.ids.filter((id) => !seen.includes(id)))];
      } else {
        this.order = [...this.ids];
        this.at = Math.max(0, this.order.indexOf(here));
      }
      this.save();
      viewer.el?.querySelector(".position")?.replaceChildren(this.position());
    }
  }

  function shuffled(list) {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  // The single viewer of this document, and the overlay it lives in, when open.
  let current = null;
  let overlay = null;
  let returnFocus = null;

  function openOverlay(id, { push = true, show = null, bar = null } = {}) {
    if (overlay) closeOverlay({ restoreFocus: false });
    returnFocus = document.activeElement;
    overlay = document.createElement("div");
    overlay.className = "lightbox";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", tr(show ? "Slideshow" : "Photo viewer"));
    overlay.tabIndex = -1;
    if (bar) overlay.append(bar);
    document.body.append(overlay);
    document.body.classList.add("lightbox-open");
    current = new Viewer(overlay, { overlay: true });
    current.show = show;
    if (show) current.playing(true);
    if (push) history.pushState({ viewer: id, overlay: true }, "", `/photos/${id}`);
    overlay.focus();
    current.open(id);
  }

  function closeOverlay({ restoreFocus = true } = {}) {
    if (!overlay) return;
    const last = current?.el?.dataset.id;
    current?.destroy();
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    overlay.remove();
    overlay = null;
    current = null;
    document.body.classList.remove("lightbox-open");
    document.title = gridTitle;
    if (!restoreFocus) return;
    // Back on the grid, at the photo last shown when it is there (it may be further down).
    const link = last && document.querySelector(`.grid a[href="/photos/${last}"]`);
    const target = link || returnFocus;
    target?.focus?.({ preventScroll: true });
    if (link) {
      const box = link.getBoundingClientRect();
      if (box.bottom < 0 || box.top > innerHeight) link.scrollIntoView({ block: "center" });
    }
  }

  const gridTitle = document.title;

  // Keeps Tab inside the overlay while it is open.
  function trapFocus(event) {
    if (event.key !== "Tab" || !overlay) return;
    const focusable = [...overlay.querySelectorAll("a[href], button:not([hidden]), select, video[controls]")]
      .filter((el) => el.offsetParent !== null);
    if (!focusable.length) { event.preventDefault(); return; }
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === overlay)) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault(); first.focus();
    }
  }

  document.addEventListener("keydown", (event) => {
    if (!current) return;
    trapFocus(event);
    current.key(event);
  });

  // Back and Forward: close the overlay onto the grid, or open it again.
  addEventListener("popstate", (event) => {
    const id = event.state?.viewer;
    if (overlay && !id) closeOverlay();
    else if (overlay && id) current.open(id);
    else if (id && event.state.overlay && document.querySelector(".grid, [data-slideshow]")) openOverlay(id, { push: false });
  });

  // A photo page: the page's viewer, enhanced in place.
  const pageViewer = document.querySelector("main > .viewer");
  if (pageViewer) {
    const host = document.createElement("div");
    host.className = "viewer-host";
    pageViewer.replaceWith(host);
    current = new Viewer(host, { overlay: false });
    current.mount(pageViewer);
    for (const neighbour of current.neighbours()) fetchPage(neighbour).then(preloadImage, () => {});
  }

  // Grids: a photo opens in the overlay (a new tab or window still gets the page).
  document.addEventListener("click", (event) => {
    const link = event.target.closest('.grid a[href^="/photos/"]');
    if (!link || overlay || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const id = idOf(link.getAttribute("href"));
    if (!id) return;
    event.preventDefault();
    openOverlay(id);
  });

  // The photos of an album, in its order, following the API's pages.
  async function albumPhotos(albumId) {
    const ids = [];
    let url = `/api/v1/albums/${albumId}`;
    while (url) {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) break;
      const body = await response.json();
      for (const photo of body.photos || []) ids.push(String(photo.id));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get("Link") || "");
      url = next ? new URL(next[1], location.href).pathname + new URL(next[1], location.href).search : null;
    }
    return ids;
  }

  // An album and the albums below it, from their pages' sub-album lists.
  async function subtree(albumId) {
    const seen = new Set([String(albumId)]);
    const queue = [String(albumId)];
    while (queue.length && seen.size < 500) {
      const id = queue.shift();
      const response = await fetch(`/albums/${id}`, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) continue;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const link of doc.querySelectorAll('.sub-albums a[href^="/albums/"]')) {
        const sub = /\/albums\/(\d+)/.exec(link.getAttribute("href"))?.[1];
        if (sub && !seen.has(sub)) { seen.add(sub); queue.push(sub); }
      }
    }
    return [...seen];
  }

  function slideshowBar(scopes, onScope) {
    const bar = document.createElement("div");
    bar.className = "slideshow-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Slideshow");
    const pause = document.createElement("button");
    pause.type = "button";
    pause.dataset.show = "pause";
    pause.setAttribute("aria-pressed", "false");
    pause.textContent = tr("Pause");
    pause.addEventListener("click", () => current?.togglePlay());
    const shuffle = document.createElement("button");
    shuffle.type = "button";
    shuffle.textContent = tr("Shuffle");
    shuffle.setAttribute("aria-pressed", String(Boolean(prefs.shuffle)));
    shuffle.addEventListener("click", () => {
      prefs.shuffle = !prefs.shuffle;
      savePrefs();
      shuffle.setAttribute("aria-pressed", String(prefs.shuffle));
      if (current?.show) current.show.reshuffle(current);
    });
    const label = document.createElement("label");
    const text = document.createElement("span");
    text.className = "visually-hidden";
    text.textContent = tr("Seconds per photo");
    const select = document.createElement("select");
    for (const seconds of INTERVALS) {
      const option = new Option(`${seconds} s`, String(seconds), false, seconds === interval());
      select.append(option);
    }
    select.addEventListener("change", () => {
      prefs.interval = Number(select.value);
      savePrefs();
      if (current?.show?.running) current.show.shown(current);
    });
    label.append(text, select);
    bar.append(pause, label, shuffle);
    if (scopes.length > 1) {
      const scopeLabel = document.createElement("label");
      const scopeText = document.createElement("span");
      scopeText.className = "visually-hidden";
      scopeText.textContent = tr("Which photos");
      const scope = document.createElement("select");
      for (const [value, name] of scopes) scope.append(new Option(tr(name), value, false, value === prefs.scope));
      scope.addEventListener("change", () => {
        prefs.scope = scope.value;
        savePrefs();
        onScope(scope.value);
      });
      scopeLabel.append(scopeText, scope);
      bar.append(scopeLabel);
    }
    return bar;
  }

  // Starts (or resumes) a slideshow over the photos of `albums`; `key` names it for resuming.
  async function slideshow(key, albums, button, scopes = [], onScope = () => {}) {
    button.disabled = true;
    try {
      const lists = [];
      for (const album of albums) lists.push(await albumPhotos(album));
      const ids = [...new Set(lists.flat())];
      if (!ids.length) return;
      const bar = slideshowBar(scopes, onScope);
      const show = new Slideshow(key, ids, bar);
      openOverlay(show.current(), { show, bar });
    } finally {
      button.disabled = false;
    }
  }

  // The album page's Slideshow button: this album, or with its sub-albums.
  for (const button of document.querySelectorAll("[data-slideshow]")) {
    const album = button.dataset.slideshow;
    const hasSubs = Boolean(document.querySelector(".sub-albums"));
    const scopes = hasSubs ? [["album", "This album"], ["tree", "With sub-albums"]] : [];
    const start = async (scope) => {
      const albums = scope === "tree" ? await subtree(album) : [album];
      await slideshow(`${scope}:${album}`, albums, button, scopes, (next) => {
        closeOverlay({ restoreFocus: false });
        start(next);
      });
    };
    button.hidden = false;
    // An album with no photos of its own shows its sub-albums'.
    const ownPhotos = Boolean(document.querySelector(".grid"));
    button.addEventListener("click", () => start(hasSubs && (prefs.scope === "tree" || !ownPhotos) ? "tree" : "album"));
  }

  // The index's Slideshow button: the albums the search shows (all, without a search).
  const indexButton = document.getElementById("index-slideshow");
  if (indexButton) {
    indexButton.hidden = false;
    indexButton.addEventListener("click", () => {
      const albums = [...document.querySelectorAll(".year:not([hidden]) .card:not([hidden]) a[href^='/albums/']")]
        .map((link) => /\/albums\/(\d+)/.exec(link.getAttribute("href"))?.[1])
        .filter(Boolean);
      const unique = [...new Set(albums)];
      slideshow(`albums:${unique.join(",")}`, unique, indexButton);
    });
  }
})();
