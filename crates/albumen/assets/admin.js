// Messages in the page's language, from the JSON block the server writes (English without it),
// as app.js reads them: `SCRIPT_MESSAGES` in i18n.rs lists those used here. Not called `tr`:
// app.js, a classic script on the same page, already declares that name globally.
const trAdmin = (() => {
  let messages = {};
  try { messages = JSON.parse(document.getElementById("messages")?.textContent || "{}"); } catch { /* English */ }
  return (message) => messages[message] || message;
})();

// The admin pages' copy buttons: a button with `data-copy="#id"` copies that field's text (a
// new login or share link, shown once). Without the clipboard API (plain HTTP, old browsers)
// the text is selected for the person to copy.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const status = button.parentElement.querySelector(".admin-copied");
  const say = (text) => { if (status) status.textContent = text; };
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(field.value);
    say(trAdmin("Copied."));
  } catch {
    field.focus();
    field.select();
    say(trAdmin("Selected: press Ctrl+C (⌘C) to copy."));
  }
});

// A link field selects itself whole when clicked, for copying by hand.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input.admin-url")) event.target.select();
});

// The scan page: follows the scan's progress through its event stream (`progress` every half
// second, then `done`; `idle` when none runs) and reloads for the new report when a scan that
// was running ends. Without JavaScript the page shows the state at its load.
(() => {
  const section = document.querySelector("[data-scan-events]");
  if (!section || !window.EventSource) return;
  const bar = document.getElementById("scan-progress");
  const state = document.getElementById("scan-state");
  const live = document.getElementById("scan-live");
  const show = (data) => {
    for (const key of ["found", "to_read", "read", "problems"]) {
      const cell = document.getElementById("scan-" + key.replace("_", "-"));
      if (cell) cell.textContent = data[key];
    }
  };
  const events = new EventSource(section.dataset.scanEvents);
  events.addEventListener("progress", (event) => {
    const data = JSON.parse(event.data);
    show(data);
    bar.max = Math.max(data.to_read, 1);
    bar.value = data.read;
    state.textContent = trAdmin("Scanning ({phase})…").replace("{phase}", trAdmin(data.phase));
    state.className = "admin-state admin-state-live";
    section.dataset.running = "";
    live.hidden = false;
  });
  const end = (event) => {
    events.close();
    if (event.type === "idle" && !("running" in section.dataset)) return;
    bar.max = 1;
    bar.value = 1;
    state.textContent = trAdmin("Done");
    state.className = "admin-state admin-state-on";
    // The report, the problems and the queue are the server's to render.
    setTimeout(() => window.location.replace("/admin/scan?done=finished"), 300);
  };
  events.addEventListener("done", end);
  events.addEventListener("idle", end);
  events.onerror = () => events.close();
})();

// The access page's filter: as the administrator types, only the albums whose folder path
// contains the text stay, with the albums above them, unfolded. Without JavaScript the form
// filters on the server (`?q=`).
(() => {
  const input = document.getElementById("access-q");
  const tree = document.querySelector(".access-tree");
  if (!input || !tree) return;
  const items = [...tree.querySelectorAll("li[data-path]")];
  const details = (li) => li.querySelector(":scope > details");
  const folded = new Map(items.map((li) => [li, details(li)?.open]));
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    // Deepest first, so each album knows whether one below it stayed.
    for (const li of items.slice().reverse()) {
      const below = [...li.querySelectorAll(":scope > details > ul > li")].some((c) => !c.hidden);
      li.hidden = q !== "" && !below && !li.dataset.path.toLowerCase().includes(q);
      const fold = details(li);
      if (fold) fold.open = q === "" ? folded.get(li) : below || fold.open;
    }
  });
})();
