// Theme: the system's unless the person picked one with the header's toggle; the choice is
// kept in localStorage and applied as <html data-theme>. (This script is deferred, so the
// system theme shows until it runs.)
// Messages in the page's language, from the JSON block the server writes (English without it).
const tr = (() => {
  let messages = {};
  try { messages = JSON.parse(document.getElementById("messages")?.textContent || "{}"); } catch { /* English */ }
  return (message) => messages[message] || message;
})();

(() => {
  const root = document.documentElement;
  const KEY = "albumen-theme";
  const system = matchMedia("(prefers-color-scheme: dark)");
  const stored = () => {
    try {
      const value = localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch { return null; }
  };
  let choice = stored();
  const apply = () => {
    if (choice) root.dataset.theme = choice;
    else delete root.dataset.theme;
    const effective = choice || (system.matches ? "dark" : "light");
    root.dataset.effectiveTheme = effective;
    const toggle = document.getElementById("theme-toggle");
    if (toggle) {
      const label = tr(effective === "dark" ? "Switch to light theme" : "Switch to dark theme");
      toggle.setAttribute("aria-label", label);
      toggle.title = label;
      toggle.hidden = false;
    }
  };
  apply();
  system.addEventListener("change", apply);
  addEventListener("storage", (event) => {
    if (event.key === KEY) { choice = stored(); apply(); }
  });
  document.getElementById("theme-toggle")?.addEventListener("click", () => {
    const next = root.dataset.effectiveTheme === "dark" ? "light" : "dark";
    // Picking the system's own theme forgets the choice: the page follows the system again.
    choice = (next === "dark") === system.matches ? null : next;
    try {
      if (choice) localStorage.setItem(KEY, choice);
      else localStorage.removeItem(KEY);
    } catch { /* storage refused: the choice lasts for this page */ }
    apply();
  });
})();

// Album index: filter the cards by name and date as the person types.
(() => {
  const input = document.getElementById("album-search");
  if (!input) return;
  input.closest(".search").hidden = false;
  const noMatch = document.querySelector(".no-match");
  const cards = [...document.querySelectorAll(".year .card")].map((card) => ({
    card,
    text: card.textContent.toLowerCase().replace(/\s+/g, " "),
  }));
  const filter = () => {
    const words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { card, text } of cards) {
      const match = words.every((word) => text.includes(word));
      card.hidden = !match;
      if (match) shown += 1;
    }
    for (const section of document.querySelectorAll(".year")) {
      section.hidden = !section.querySelector(".card:not([hidden])");
    }
    for (const link of document.querySelectorAll(".years a")) {
      const section = document.getElementById(link.hash.slice(1));
      link.hidden = !section || section.hidden;
    }
    if (noMatch) noMatch.hidden = shown > 0;
  };
  input.addEventListener("input", filter);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && input.value) { input.value = ""; filter(); }
  });
  if (input.value) filter();
})();

// Album page: justified rows. Each cell grows with its photo's aspect ratio (CSSOM, which the
// Content-Security-Policy allows, unlike style attributes).
const shapeCell = (cell) => {
  const width = Number(cell.dataset.w);
  const height = Number(cell.dataset.h);
  if (width > 0 && height > 0) cell.style.setProperty("--r", (width / height).toFixed(4));
};
for (const cell of document.querySelectorAll(".justified li[data-w][data-h]")) shapeCell(cell);

// The mean colour painted while a tile's or cover's image loads, where CSS cannot read it
// from data-c itself (app.css); CSSOM, so the content security policy allows it.
const paintPlaceholder = (element) => {
  if (element.dataset.c && !CSS.supports("background-color", "attr(data-c type(<color>))")) {
    element.style.setProperty("--placeholder", element.dataset.c);
  }
};
for (const element of document.querySelectorAll("[data-c]")) paintPlaceholder(element);

// Album page: square tiles instead of justified rows, as the person last chose (kept in the
// browser). Square tiles show the thumbnails, which are cropped square and lighter; rows show
// the grid previews, uncropped.
(() => {
  const toggle = document.getElementById("layout-toggle");
  if (!toggle || !document.querySelector(".grid.justified")) return;
  const KEY = "albumen-layout";
  const apply = (square, grids = document.querySelectorAll(".grid.justified")) => {
    toggle.setAttribute("aria-pressed", String(square));
    for (const grid of grids) grid.classList.toggle("square", square);
    for (const img of [...grids].flatMap((grid) => [...grid.querySelectorAll("img[data-square]")])) {
      // The rows' previews come by width (srcset), which would win over a square src.
      if (square && !img.dataset.full) {
        img.dataset.full = img.getAttribute("src");
        img.dataset.fullSrcset = img.getAttribute("srcset") || "";
        img.removeAttribute("srcset");
        img.src = img.dataset.square;
      } else if (!square && img.dataset.full) {
        if (img.dataset.fullSrcset) img.setAttribute("srcset", img.dataset.fullSrcset);
        img.src = img.dataset.full;
        delete img.dataset.full;
        delete img.dataset.fullSrcset;
      }
    }
  };
  let square = false;
  try { square = localStorage.getItem(KEY) === "square"; } catch { /* no storage: rows */ }
  apply(square);
  toggle.hidden = false;
  // Lists the album's infinite scroll appends take the layout shown.
  document.addEventListener("albumen:grids", (event) => apply(square, event.detail));
  toggle.addEventListener("click", () => {
    square = !square;
    try {
      if (square) localStorage.setItem(KEY, "square");
      else localStorage.removeItem(KEY);
    } catch { /* storage refused: this page only */ }
    apply(square);
  });
})();

// Album page: the next chunks of photos, fetched from the JSON API as the end of the grid
// nears, appended with DOM APIs (file names are the library's, never markup) in the markup the
// server renders. Each chunk gets lists of its own, so appending lays out only the new ones and
// `content-visibility: auto` lets the browser skip those far from view; the last row of the
// list before moves into the new one, so rows stay justified across chunks. A page grows to
// PAGE_MAX tiles; then, as without JavaScript, "More photos" is a plain link to the next page.
(() => {
  const photos = document.getElementById("photos");
  const more = document.getElementById("more-photos");
  if (!photos || !more || !("IntersectionObserver" in window)) return;
  const { album, limit } = photos.dataset;
  let cursor = more.dataset.cursor;
  let month = more.dataset.month;
  let busy = false;
  const PAGE_MAX = 1200;
  let shown = photos.querySelectorAll("li").length;
  const monthLabel = (key) => {
    if (key === "undated") return tr("Undated");
    const [year, number] = key.split("-").map(Number);
    return new Date(year, number - 1, 1)
      .toLocaleString(document.documentElement.lang || "en", { month: "long", year: "numeric" });
  };
  const tile = (photo) => {
    const url = (preset, v) => `/media/photos/${photo.id}/preview/${preset}?v=${v}`;
    const cell = document.createElement("li");
    cell.dataset.w = photo.width;
    cell.dataset.h = photo.height;
    if (photo.width && photo.height) cell.dataset.r = (photo.width / photo.height).toFixed(4);
    if (photo.colour) cell.dataset.c = photo.colour;
    const link = document.createElement("a");
    link.href = `/photos/${photo.id}`;
    const img = document.createElement("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = photo.filename;
    img.srcset = photo.srcset.map((s) => `${url(s.preset, s.v)} ${s.width}w`).join(", ");
    img.sizes = photo.sizes;
    img.dataset.square = url("thumb", photo.thumb_v);
    if (photo.width && photo.height) {
      img.width = photo.width;
      img.height = photo.height;
    }
    img.src = url(photo.srcset[0].preset, photo.srcset[0].v);
    link.append(img);
    cell.append(link);
    shapeCell(cell);
    paintPlaceholder(cell);
    return cell;
  };
  const newList = () => {
    const list = document.createElement("ul");
    list.className = "grid justified";
    return list;
  };
  const append = (entries) => {
    const added = [];
    const fragment = document.createDocumentFragment();
    let list = null;
    for (const photo of entries) {
      const key = photo.date ? photo.date.slice(0, 7) : "undated";
      if (key !== month) {
        const heading = document.createElement("h3");
        heading.className = "month-heading";
        heading.dataset.month = key;
        heading.textContent = monthLabel(key);
        fragment.append(heading);
        month = key;
        list = null;
      }
      if (!list) {
        list = newList();
        // Continuing the month of the list before: its last row, not full, moves down.
        if (!fragment.childNodes.length) {
          const before = photos.querySelector(":scope > ul.grid:last-of-type");
          const cells = before ? [...before.children] : [];
          const top = cells.length ? cells[cells.length - 1].offsetTop : 0;
          const last = cells.filter((cell) => cell.offsetTop === top);
          if (last.length < cells.length) {
            list.append(...last);
            before.classList.add("continued");
          }
        }
        fragment.append(list);
        added.push(list);
      }
      list.append(tile(photo));
    }
    photos.append(fragment);
    document.dispatchEvent(new CustomEvent("albumen:grids", { detail: added }));
  };
  const load = async () => {
    if (busy || !cursor) return;
    busy = true;
    try {
      const response = await fetch(`/api/v1/albums/${album}?limit=${limit}&cursor=${cursor}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const chunk = await response.json();
      append(chunk.photos);
      shown += chunk.photos.length;
      cursor = chunk.next_cursor || null;
      if (cursor && shown >= PAGE_MAX) {
        // A page holds at most PAGE_MAX tiles: past that, the document's size (style, layout
        // and garbage collection over every tile) makes tasks long. The link goes on as a page.
        more.href = `?after=${cursor}`;
        more.dataset.paused = "1";
        observer.disconnect();
      } else if (cursor) {
        more.href = `?after=${cursor}`;
        more.dataset.cursor = cursor;
        // Still near the end (a short chunk, a tall window): observing again reports it.
        observer.unobserve(more);
        observer.observe(more);
      } else {
        observer.disconnect();
        more.parentElement.remove();
      }
    } catch {
      // The link stays: following it loads the next chunk as a page.
      observer.disconnect();
    } finally {
      busy = false;
    }
  };
  const observer = new IntersectionObserver((seen) => {
    if (seen.some((entry) => entry.isIntersecting)) load();
  }, { rootMargin: "0px 0px 1500px 0px" });
  observer.observe(more);
})();

// A page restored from the back/forward cache may be one the browser's session no longer may
// see (Back after logging out): ask the server again.
addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});
