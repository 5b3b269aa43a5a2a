// Keyboard navigation on photo pages: ← previous, → next, Esc back to the album.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea")) return;
  const target = { ArrowLeft: "prev", ArrowRight: "next", Escape: "up" }[event.key];
  const link = target && document.querySelector(`[data-key="${target}"]`);
  if (link) { event.preventDefault(); link.click(); }
});

// A page restored from the back/forward cache may be one the browser's session no longer may
// see (Back after logging out): ask the server again.
addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});
