// feidi's one script (the CSP allows scripts from this server only, none inline): a form that
// removes or undoes something asks first. Without it the pages still work; nothing else
// depends on it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
