// A "Print" button for the print views; without JavaScript the page says to use the browser's Print.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
