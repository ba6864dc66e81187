// The console works without this script. With it, a part of a page marked data-refresh (a background
// import's progress) brings itself up to date every few seconds; when that part is gone from the page
// (the import ended), the whole page is loaded again to show the result.
document.querySelectorAll('[data-refresh]').forEach(function (part) {
  var seconds = Number(part.getAttribute('data-refresh')) || 5;
  var timer = setInterval(function () {
    fetch(location.href, { credentials: 'same-origin' }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(part.id);
      if (fresh) {
        part.querySelector('[role=status]').textContent = fresh.querySelector('[role=status]').textContent;
      } else {
        clearInterval(timer);
        location.reload();
      }
    }).catch(function () { /* try again at the next tick */ });
  }, seconds * 1000);
});
