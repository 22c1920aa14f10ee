// Behaviour without inline scripts (the content security policy forbids them).
document.documentElement.classList.add("js");

// The menu: one button opens it on a phone; one group open at a time; a
// click outside or Escape closes an open group.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.closest(".site-header").classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  const groups = document.querySelectorAll(".site-menu details");
  groups.forEach((group) => {
    group.addEventListener("toggle", () => {
      if (group.open) {
        groups.forEach((other) => { if (other !== group) other.open = false; });
      }
    });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".site-menu details")) {
      groups.forEach((group) => { group.open = false; });
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      groups.forEach((group) => {
        if (group.open) {
          group.open = false;
          group.querySelector("summary").focus();
        }
      });
    }
  });
});
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

// After a refused form, the error summary takes the focus: its links lead to the fields.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary[tabindex]");
  if (summary) {
    summary.focus();
  }
});
window.addEventListener("resize", markScrollingTables);
document.addEventListener("htmx:afterSwap", markScrollingTables);
