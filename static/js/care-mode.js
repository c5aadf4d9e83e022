/* 适老化 (care) mode: switch in place, without reloading the page.
   The header's toggle is a GET form to /care-mode/ that sets the zp_care cookie and comes back
   (zoneportal/care_mode.py); the styles follow the button's aria-pressed state
   (html:has(.care-toggle[aria-pressed="true"]) in portal.css). Here the same cookie is set
   from the page, and the button's state and label change at once. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.care-form");
  var YEAR = 365 * 24 * 3600;

  function apply(on) {
    var cookie = "zp_care=" + (on ? "1; max-age=" + YEAR : "; max-age=0") + "; path=/; samesite=lax";
    if (window.location.protocol === "https:") { cookie += "; secure"; }
    document.cookie = cookie;
    Array.prototype.forEach.call(forms, function (form) {
      var button = form.querySelector(".care-toggle");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = button.getAttribute(on ? "data-label-on" : "data-label-off");
      form.querySelector("input[name=on]").value = on ? "0" : "1";
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector(".care-toggle");
      apply(button.getAttribute("aria-pressed") !== "true");
      button.focus();
    });
  });
})();
