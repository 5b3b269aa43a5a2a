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
    say("Copied.");
  } catch {
    field.focus();
    field.select();
    say("Selected: press Ctrl+C (⌘C) to copy.");
  }
});

// A link field selects itself whole when clicked, for copying by hand.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input.admin-url")) event.target.select();
});
