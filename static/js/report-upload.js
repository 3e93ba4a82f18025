// The report upload page (templates/sources/reports/import.html), progressively enhanced:
// without this script the form posts and the page comes back with the summary. With it, the
// form is sent with XMLHttpRequest so that a <progress> shows the upload, then "Reading and
// extracting…" while the server works, then the summary per file replaces #report-results.
(function () {
  "use strict";

  function enhance(form) {
    var box = form.querySelector("[data-upload-progress]");
    var bar = box && box.querySelector("progress");
    var reading = box && box.querySelector("[data-upload-reading]");
    var results = document.getElementById("report-results");
    var button = form.querySelector("button[type=submit]");
    if (!box || !bar || !results || !window.FormData || !window.XMLHttpRequest) {
      return;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      box.hidden = false;
      reading.hidden = true;
      bar.value = 0;
      bar.max = 100;
      if (button) {
        button.disabled = true;
      }

      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.max = e.total;
          bar.value = e.loaded;
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server reads and extracts
        reading.hidden = false;
      });
      xhr.addEventListener("load", function () {
        if (button) {
          button.disabled = false;
        }
        box.hidden = true;
        if (xhr.status === 200) {
          results.innerHTML = xhr.responseText;
          form.reset();
          results.focus();
        } else {
          results.innerHTML = "";
          var p = document.createElement("p");
          p.className = "error";
          p.setAttribute("role", "alert");
          p.textContent =
            xhr.status === 403
              ? "Only admins may import reports."
              : "The upload failed (" + xhr.status + "). Nothing was shown; try again.";
          results.appendChild(p);
        }
      });
      xhr.addEventListener("error", function () {
        if (button) {
          button.disabled = false;
        }
        box.hidden = true;
        results.textContent = "The connection failed during the upload; try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-report-upload]");
    for (var i = 0; i < forms.length; i++) {
      enhance(forms[i]);
    }
  });
})();
