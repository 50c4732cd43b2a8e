// GOV.UK Frontend's "JavaScript is on" classes, set before the page is drawn. A file rather than
// the usual inline script, so the Content-Security-Policy can allow only the site's own scripts.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
