// Behaviour without inline scripts (the content security policy forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A table (or its box) that scrolls sideways on a narrow screen can be
// reached and scrolled with the keyboard, and is announced by its caption.
function markScrollingTables() {
  for (const box of document.querySelectorAll("main table, main .table-scroll")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      const caption = box.querySelector("caption");
      if (caption && !box.hasAttribute("aria-label") && box.tagName !== "TABLE") {
        box.setAttribute("aria-label", caption.textContent.trim());
      }
    } else if (box.tabIndex === 0 && !box.matches("[data-keep-tabindex]")) {
      box.removeAttribute("tabindex");
    }
  }
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
document.addEventListener("htmx:afterSwap", markScrollingTables);
