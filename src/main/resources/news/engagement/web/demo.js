// The demo page's own buttons. Counting goes through window.engagement (tracker.js); this file only
// keeps the like button's state and opens the real share targets.
(function () {
  'use strict';
  var tracker = window.engagement || { like: function () {}, unlike: function () {}, share: function () {} };
  var article = document.getElementById('article-id').textContent;
  var likedKey = 'engagement.liked.' + article;
  var likeButton = document.getElementById('like');
  var notice = document.getElementById('notice');

  function store(key, value) {
    try { if (value) { localStorage.setItem(key, '1'); } else { localStorage.removeItem(key); } } catch (e) { /* private mode */ }
  }
  function liked() {
    try { return localStorage.getItem(likedKey) === '1'; } catch (e) { return false; }
  }
  function showLike(on) {
    likeButton.setAttribute('aria-pressed', on ? 'true' : 'false');
    likeButton.classList.toggle('on', on);
    likeButton.querySelector('.heart').textContent = on ? '\u2665' : '\u2661';
    likeButton.querySelector('.label').textContent = on ? 'Liked' : 'Like';
  }
  function say(text) {
    notice.textContent = text;
    setTimeout(function () { if (notice.textContent === text) { notice.textContent = ''; } }, 4000);
  }

  likeButton.addEventListener('click', function () {
    var on = !liked();
    store(likedKey, on);
    showLike(on);
    if (on) { tracker.like(); } else { tracker.unlike(); }
  });
  showLike(liked());

  var url = location.origin + location.pathname + location.search;
  var title = document.querySelector('h1').textContent;
  var u = encodeURIComponent(url);
  var targets = {
    telegram: 'https://t.me/share/url?url=' + u + '&text=' + encodeURIComponent(title),
    twitter: 'https://twitter.com/intent/tweet?url=' + u + '&text=' + encodeURIComponent(title),
    facebook: 'https://www.facebook.com/sharer/sharer.php?u=' + u,
    whatsapp: 'https://wa.me/?text=' + encodeURIComponent(title + ' ' + url)
  };

  function copy() {
    function fallback() {
      var field = document.createElement('textarea');
      field.value = url;
      document.body.appendChild(field);
      field.select();
      try { document.execCommand('copy'); say('Link copied'); } catch (e) { say(url); }
      field.remove();
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { say('Link copied'); }, fallback);
    } else {
      fallback();
    }
  }

  // The "most read" box was drawn before this page's own view counted: draw it again a little later.
  var mostRead = document.getElementById('most-read');
  if (mostRead) {
    setTimeout(function () { mostRead.src = mostRead.src.replace(/&shown=\d+$/, '') + '&shown=' + Date.now(); }, 4000);
  }

  Array.prototype.forEach.call(document.querySelectorAll('button.share'), function (button) {
    button.addEventListener('click', function () {
      var network = button.getAttribute('data-network');
      // Report first: the share counts even when a popup blocker stops the window.
      tracker.share(network);
      if (targets[network]) {
        window.open(targets[network], '_blank', 'noopener,width=600,height=500');
      } else if (network === 'copy') {
        copy();
      } else if (network === 'print') {
        window.print();
      }
    });
  });
})();
