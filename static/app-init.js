// Starts GOV.UK Frontend's components. The library's address comes from the script element's
// data attribute, so that it is the fingerprinted file name collectstatic gives it.
const script = document.querySelector("script[data-govuk-frontend]");
if (script) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}
