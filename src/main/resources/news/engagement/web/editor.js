// The editor desk: reading now, top lists, rising articles and one article's hours and attention, all
// from this service's API.
// The token lives in sessionStorage only (gone when the tab closes); every text is set with textContent.
(function () {
  'use strict';
  var TOKEN_KEY = 'engagement.editorToken';
  var REFRESH_MS = 30000;
  var SVG = 'http://www.w3.org/2000/svg';
  var HOUR = 3600000;
  var $ = function (id) { return document.getElementById(id); };
  var token = null;
  var article = new URLSearchParams(location.search).get('article') || '';
  var timer = null;

  function ApiError(status, message) { this.status = status; this.message = message; }

  function api(path, withToken) {
    var headers = withToken ? { Authorization: 'Bearer ' + token } : {};
    return fetch(path, { headers: headers, cache: 'no-store' }).then(function (r) {
      if (r.ok) { return r.json(); }
      return r.json().catch(function () { return {}; }).then(function (body) {
        throw new ApiError(r.status, body.message || ('HTTP ' + r.status));
      });
    }, function () { throw new ApiError(0, 'the service did not answer'); });
  }

  function authMessage(err) {
    if (err.status === 401) { return 'That token was not accepted. Check it and try again.'; }
    if (err.status === 503) { return 'The editor API is switched off on this server (EDITOR_TOKEN is not set).'; }
    if (err.status === 404) { return 'This server has no editor API.'; }
    return 'Could not reach the editor API: ' + err.message;
  }

  function number(n, digits) {
    if (typeof n !== 'number') { return '\u2013'; }
    var fixed = digits ? n.toFixed(digits) : String(Math.round(n));
    return fixed.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  // An article in a list: its title when known (else its id), then its section and id, all as text.
  function articleCell(row, id, item) {
    var td = cell(row, '', 'article');
    var link = document.createElement('a');
    link.href = '?article=' + encodeURIComponent(id);
    link.textContent = (item && item.title) || id;
    link.setAttribute('data-article', id);
    link.addEventListener('click', function (e) { e.preventDefault(); choose(id); });
    td.appendChild(link);
    articleLabel(td, id, item);
  }

  // The line under a title: section and id (metadata: docs/metadata.md). Untrusted text: textContent only.
  function articleLabel(td, id, item) {
    if (!item || (!item.title && !item.section)) { return; }
    var meta = document.createElement('span');
    meta.className = 'article-meta';
    if (item.section) {
      var section = document.createElement('span');
      section.className = 'section';
      section.textContent = item.section;
      meta.appendChild(section);
    }
    var code = document.createElement('code');
    code.textContent = id;
    meta.appendChild(code);
    td.appendChild(meta);
  }

  function fillTable(id, items, render) {
    var body = $(id).querySelector('tbody');
    body.textContent = '';
    items.forEach(function (item, i) { var row = document.createElement('tr'); render(row, item, i); body.appendChild(row); });
    $(id + '-empty').hidden = items.length > 0;
  }

  function loadTop() {
    var metric = $('metric').value;
    $('top-metric').textContent = $('metric').selectedOptions[0].textContent.replace(/^./, function (c) { return c.toUpperCase(); });
    return api('/v1/top?metric=' + metric + '&window=' + $('window').value + '&limit=10', false).then(function (top) {
      $('top-error').textContent = '';
      fillTable('top', top.items || [], function (row, item, i) {
        cell(row, String(i + 1), 'rank'); articleCell(row, item.article, item); cell(row, number(item.value), 'num');
      });
      if (!article && top.items && top.items.length) { choose(top.items[0].article); }
    }, function (err) { $('top-error').textContent = 'Top list unavailable: ' + err.message; });
  }

  function showRising(trending) {
    $('rising-error').textContent = '';
    fillTable('rising', trending.items || [], function (row, item) {
      articleCell(row, item.article, item); cell(row, number(item.recent), 'num');
      cell(row, number(item.baseline, 1), 'num'); cell(row, number(item.score, 2), 'num');
    });
  }

  function loadRising() {
    return api('/v1/editor/trending?window=1h&limit=10', true).then(showRising, function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $('rising-error').textContent = 'Rising list unavailable: ' + err.message; }
    });
  }

  function iso(ms) { return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'); }

  function loadChart() {
    if (!article) { return Promise.resolve(); }
    var hours = Number($('range').value);
    var to = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
    var from = to - hours * HOUR;
    var metric = chartMetric();
    var path = '/v1/editor/articles/' + encodeURIComponent(article) + metric.path + '?from=' + iso(from)
      + '&to=' + iso(to) + '&interval=hour';
    return api(path, true).then(function (series) {
      var byHour = {};
      (series.points || []).forEach(function (p) { byHour[Date.parse(p.time)] = p[metric.field] || 0; });
      var slots = [];
      for (var t = from; t < to; t += HOUR) { slots.push({ time: t, value: byHour[t] || 0 }); }
      $('chart-heading').textContent = metric.heading;
      draw(slots, hours, metric);
      var total = slots.reduce(function (sum, s) { return sum + s.value; }, 0);
      $('chart-title').textContent = article + ': ' + metric.total(total) + ' in the last ' + $('range').selectedOptions[0].textContent + ' (UTC)';
      $('chart-error').textContent = '';
    }, function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $('chart-error').textContent = 'Chart unavailable: ' + err.message; }
    });
  }

  // What a story brought (conversions and clicks out) for the chosen article, and the stories that
  // brought most of one goal site-wide: /v1/editor/articles/{id}/conversions and /v1/editor/conversions.
  function loadConversions() {
    if (!article) { return Promise.resolve(); }
    var path = '/v1/editor/articles/' + encodeURIComponent(article) + '/conversions?window=' + $('conversions-window').value;
    return api(path, true).then(function (c) {
      var goals = Object.keys(c.conversions || {}).map(function (g) { return { goal: g, n: c.conversions[g] }; })
        .sort(function (a, b) { return b.n - a.n || (a.goal < b.goal ? -1 : 1); });
      fillTable('goals', goals, function (row, g) { cell(row, g.goal); cell(row, number(g.n), 'num'); });
      fillTable('destinations', c.outbound || [], function (row, d) { cell(row, d.destination); cell(row, number(d.clicks), 'num'); });
      $('conversions-title').textContent = article + ', ' + $('conversions-window').selectedOptions[0].textContent;
      $('conversions-error').textContent = '';
    }, function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $('conversions-error').textContent = 'Conversions unavailable: ' + err.message; }
    });
  }

  function loadFollowers() {
    var goal = $('followers-goal').value;
    var path = '/v1/editor/conversions?window=' + $('followers-window').value + '&limit=10' + (goal ? '&goal=' + goal : '');
    return api(path, true).then(function (list) {
      $('followers-error').textContent = '';
      fillTable('followers', list.items || [], function (row, item, i) {
        cell(row, String(i + 1), 'rank'); articleCell(row, item.article); cell(row, number(item.value), 'num');
      });
    }, function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $('followers-error').textContent = 'List unavailable: ' + err.message; }
    });
  }

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function niceMax(max) {
    if (max <= 4) { return 4; }
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    return [1, 2, 2.5, 5, 10].map(function (m) { return m * step; }).filter(function (v) { return v >= max; })[0];
  }

  function label(t, hours) {
    var d = new Date(t);
    var hh = String(d.getUTCHours()).padStart(2, '0') + ':00';
    return hours > 48 ? (d.getUTCMonth() + 1) + '/' + d.getUTCDate() : hh;
  }

  function draw(slots, hours, metric) {
    var W = 900, H = 280, left = 48, right = 12, top = 14, bottom = 30;
    var plotW = W - left - right, plotH = H - top - bottom;
    var max = niceMax(Math.max.apply(null, slots.map(function (s) { return s.value; })));
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'chart', 'aria-label': metric.heading });
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH - f * plotH;
      svg.appendChild(el('line', { x1: left, x2: W - right, y1: y, y2: y, class: 'grid' }));
      svg.appendChild(el('text', { x: left - 8, y: y + 4, class: 'axis', 'text-anchor': 'end' }, number(max * f)));
    });
    var slotW = plotW / slots.length;
    var every = hours > 48 ? 24 : Math.ceil(slots.length / 12);
    slots.forEach(function (s, i) {
      var h = s.value / max * plotH;
      var x = left + i * slotW;
      var bar = el('rect', { x: x + slotW * 0.12, y: top + plotH - h, width: slotW * 0.76, height: Math.max(h, 0),
        class: 'bar', 'data-time': iso(s.time), 'data-metric': metric.field, 'data-value': s.value });
      bar.appendChild(el('title', {}, iso(s.time).slice(0, 13).replace('T', ' ') + ':00 UTC: ' + metric.total(s.value)));
      svg.appendChild(bar);
      var d = new Date(s.time);
      if (hours > 48 ? d.getUTCHours() === 0 : i % every === 0) {
        svg.appendChild(el('text', { x: x + slotW / 2, y: H - 10, class: 'axis', 'text-anchor': 'middle' }, label(s.time, hours)));
      }
    });
    var box = $('chart');
    box.textContent = '';
    box.appendChild(svg);
  }

  // Traffic sources: the chosen article's and the whole site's, in the chosen window (text only).
  function showSources(id, answer) {
    var total = answer.views || 0;
    fillTable(id, answer.items || [], function (row, item) {
      cell(row, item.medium, 'medium'); cell(row, item.source, 'source'); cell(row, number(item.views), 'num');
      cell(row, total ? number(100 * item.views / total, 1) + '\u00a0%' : '\u2013', 'num');
    });
    $(id + '-error').textContent = '';
  }

  function loadSourcesOf(id, path) {
    return api(path, true).then(function (answer) { showSources(id, answer); }, function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $(id + '-error').textContent = 'Sources unavailable: ' + err.message; }
    });
  }

  function loadSources() {
    var win = 'window=' + $('sources-window').value + '&limit=10';
    var site = loadSourcesOf('site-sources', '/v1/editor/sources?' + win);
    if (!article) { return site; }
    $('article-sources-title').textContent = 'This article: ' + article;
    return Promise.all([site, loadSourcesOf('article-sources',
      '/v1/editor/articles/' + encodeURIComponent(article) + '/sources?' + win)]);
  }

  function choose(id) {
    article = id;
    $('article').value = id;
    history.replaceState(null, '', '?article=' + encodeURIComponent(id));
    loadChart();
    loadSummary();
    loadSources();
    loadConversions();
  }

  // ---- Reading now and one article's attention (presence): refreshed every few seconds, on its own timer.
  var NOW_REFRESH_MS = 3000;
  var nowTimer = null;

  function duration(seconds) {
    if (typeof seconds !== 'number') { return '\u2013'; }
    var s = Math.round(seconds);
    return s < 3600 ? Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0')
      : Math.floor(s / 3600) + ' h ' + String(Math.floor(s / 60) % 60).padStart(2, '0') + ' min';
  }

  function percent(share) { return typeof share === 'number' ? Math.round(share * 100) + '\u00a0%' : '\u2013'; }

  // What the chart shows: views (history) or engaged time (presence), both per hour from ClickHouse.
  function chartMetric() {
    if ($('chart-metric').value === 'engaged') {
      return { path: '/engaged', field: 'engagedSeconds', heading: 'Engaged time per hour',
        total: function (n) { return duration(n) + ' engaged'; } };
    }
    return { path: '/timeseries', field: 'views', heading: 'Views per hour',
      total: function (n) { return number(n) + ' views'; } };
  }

  function presenceFailed(target, what) {
    return function (err) {
      if (err.status === 401) { signOut(authMessage(err)); } else { $(target).textContent = what + ' unavailable: ' + err.message; }
    };
  }

  // An article's top traffic source of the last hour (sources room), as text: "telegram (messenger)".
  function topSourceText(top) { return top ? top.source + ' (' + top.medium + ')' : '\u2013'; }

  function loadNow() {
    return api('/v1/editor/now?limit=10', true).then(function (now) {
      $('now-error').textContent = '';
      $('now-readers').textContent = number(now.readers);
      fillTable('now', now.items || [], function (row, item) {
        articleCell(row, item.article); cell(row, number(item.readers), 'num'); cell(row, duration(item.engagedSeconds), 'num');
        var top = cell(row, topSourceText(item.topSource), 'source');
        if (item.topSource) { top.title = number(item.topSource.views) + ' views in the last hour'; }
      });
    }, presenceFailed('now-error', 'Reading now'));
  }

  function loadSummary() {
    if (!article) { return Promise.resolve(); }
    var asked = article;
    return api('/v1/editor/articles/' + encodeURIComponent(asked), true).then(function (a) {
      if (asked !== article) { return; }
      var box = $('article-summary');
      var depth = a.readDepth || { shares: {} };
      var field = function (name, text) { box.querySelector('[data-field="' + name + '"]').textContent = text; };
      field('views', number(a.views));
      field('readingNow', number(a.readingNow));
      field('averageEngaged', duration((a.engaged || {}).averageSeconds));
      field('readThrough', depth.readers ? percent(depth.shares['100']) : '\u2013');
      field('depth', depth.readers ? ['25', '50', '75'].map(function (t) { return percent(depth.shares[t]); }).join(' / ') : '\u2013');
      field('topSource', topSourceText(a.topSource));
      box.hidden = false;
      $('chart-error').textContent = '';
    }, presenceFailed('chart-error', 'Article summary'));
  }

  // Re-armed after each round; a hidden tab skips the reads (nobody is looking) but keeps the timer.
  function scheduleNow() {
    clearTimeout(nowTimer);
    if (!token) { return; }
    nowTimer = setTimeout(function () {
      (document.hidden ? Promise.resolve() : Promise.all([loadNow(), loadSummary()])).then(scheduleNow);
    }, NOW_REFRESH_MS);
  }

  function startNow() { return Promise.all([loadNow(), loadSummary()]).then(scheduleNow); }

  function scheduleRefresh() {
    if (!token) { return; }
    $('updated').textContent = 'Updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
    clearTimeout(timer);
    timer = setTimeout(refreshAll, REFRESH_MS);
  }

  function refreshAll() {
    clearTimeout(timer);
    return Promise.all([loadTop(), loadRising(), loadChart(), loadSources(), loadConversions(), loadFollowers()]).then(scheduleRefresh);
  }

  function showDesk(on) {
    $('login').hidden = on; $('desk').hidden = !on; $('logout').hidden = !on; $('refresh').hidden = !on;
  }

  function signIn(candidate) {
    token = candidate;
    $('login-error').textContent = '';
    return api('/v1/editor/trending?window=1h&limit=10', true).then(function (trending) {
      try { sessionStorage.setItem(TOKEN_KEY, candidate); } catch (e) { /* kept in memory only */ }
      showDesk(true);
      showRising(trending);
      $('article').value = article;
      startNow();
      return Promise.all([loadTop(), loadChart(), loadSources(), loadConversions(), loadFollowers()]).then(scheduleRefresh);
    }, function (err) { signOut(authMessage(err)); });
  }

  function signOut(message) {
    token = null;
    clearTimeout(timer);
    clearTimeout(nowTimer);
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing stored */ }
    showDesk(false);
    $('updated').textContent = '';
    $('login-error').textContent = message || '';
  }

  $('login-form').addEventListener('submit', function (e) { e.preventDefault(); signIn($('token').value.trim()); });
  $('logout').addEventListener('click', function () { signOut('Signed out.'); });
  $('refresh').addEventListener('click', refreshAll);
  $('metric').addEventListener('change', loadTop);
  $('window').addEventListener('change', loadTop);
  $('range').addEventListener('change', loadChart);
  $('chart-metric').addEventListener('change', loadChart);
  $('sources-window').addEventListener('change', loadSources);
  $('conversions-window').addEventListener('change', loadConversions);
  $('followers-goal').addEventListener('change', loadFollowers);
  $('followers-window').addEventListener('change', loadFollowers);
  $('chart-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var id = $('article').value.trim();
    if (id) { choose(id); }
  });

  var saved = null;
  try { saved = sessionStorage.getItem(TOKEN_KEY); } catch (e) { /* no storage */ }
  if (saved) { signIn(saved); }
})();
