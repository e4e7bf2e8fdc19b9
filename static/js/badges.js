// Progressive enhancement: a "Copy link" button beside the share link (the link stays
// selectable in its field without this file).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.querySelector(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = button.dataset.copied;
      } catch {
        field.select();
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
});
