// Theme: the system's unless the person picked one with the header's toggle; the choice is
// kept in localStorage and applied as <html data-theme>. (This script is deferred, so the
// system theme shows until it runs.)
(() => {
  const root = document.documentElement;
  const KEY = "albumen-theme";
  // The toggle's labels in the page's language, from the JSON block the server writes.
  let messages = {};
  try { messages = JSON.parse(document.getElementById("messages")?.textContent || "{}"); } catch { /* English */ }
  const tr = (message) => messages[message] || message;
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
for (const cell of document.querySelectorAll(".justified li[data-w][data-h]")) {
  const width = Number(cell.dataset.w);
  const height = Number(cell.dataset.h);
  if (width > 0 && height > 0) cell.style.setProperty("--r", (width / height).toFixed(4));
}

// Album page: square tiles instead of justified rows, as the person last chose (kept in the
// browser). Square tiles show the thumbnails, which are cropped square and lighter; rows show
// the grid previews, uncropped.
(() => {
  const toggle = document.getElementById("layout-toggle");
  const grid = document.querySelector(".grid.justified");
  if (!toggle || !grid) return;
  const KEY = "albumen-layout";
  const apply = (square) => {
    grid.classList.toggle("square", square);
    toggle.setAttribute("aria-pressed", String(square));
    for (const img of grid.querySelectorAll("img[data-square]")) {
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
  toggle.addEventListener("click", () => {
    square = !square;
    try {
      if (square) localStorage.setItem(KEY, "square");
      else localStorage.removeItem(KEY);
    } catch { /* storage refused: this page only */ }
    apply(square);
  });
})();

// A page restored from the back/forward cache may be one the browser's session no longer may
// see (Back after logging out): ask the server again.
addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});
