// GOV.UK conditional reveals without aria-expanded on the radio or checkbox (which axe reports
// as an attribute the role does not support). An input with data-app-reveal="ID" shows the
// element ID while it is checked. Without JavaScript everything stays shown (GOV.UK Frontend
// hides the --hidden classes only under .govuk-frontend-supported).
const HIDDEN = ["govuk-radios__conditional--hidden", "govuk-checkboxes__conditional--hidden"];

function sync() {
  for (const input of document.querySelectorAll("input[data-app-reveal]")) {
    const target = document.getElementById(input.dataset.appReveal);
    if (!target) continue;
    const hidden = HIDDEN.find((name) => target.className.includes(name.replace("--hidden", "")));
    if (hidden) target.classList.toggle(hidden, !input.checked);
  }
}

document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement) sync();
});
sync();
