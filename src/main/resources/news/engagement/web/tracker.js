/*! engagement tracker: docs/pages.md */
!function(w,d){try{
var s=d.currentScript||d.querySelector('script[src*="tracker.js"]'),
m=d.querySelector('meta[name="article-id"]'),
a=s&&s.getAttribute('data-article')||m&&m.content,
b=s.src.replace(/\/tracker\.js([?#].*)?$/,''),
ls,v,t,R,K='engagement.vid',
N=function(){};
try{ls=w.localStorage;v=ls.getItem(K);if(!v){v=Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(12)),function(x){return(x+256).toString(16).slice(1)}).join('');ls.setItem(K,v)}}catch(e){v=0}
function send(y,n){try{if(!a)return;var e={type:y,article:a},u=b+'/v1/events',p;if(v)e.vid=v;if(n)e.network=n;p=JSON.stringify(e);
if(!(navigator.sendBeacon&&navigator.sendBeacon(u,p)))fetch(u,{method:'POST',body:p,keepalive:!0,mode:'no-cors',credentials:'omit'}).catch(N);later(y!='view')}catch(x){}}
function fmt(n){return String(n).replace(/\B(?=(\d{3})+(?!\d))/g,'\u00a0')}
function fill(r){try{var l=d.querySelectorAll('[data-engagement]');if(!a||!l.length)return;
fetch(b+'/v1/articles?ids='+encodeURIComponent(a),{cache:r?'no-cache':'default',credentials:'omit'}).then(function(r){return r.json()}).then(function(j){try{j=j.articles[0];
l.forEach(function(el){var f=el.getAttribute('data-engagement'),x=f=='shares'?j.shares&&j.shares.total:j[f];if(x!=null)el.textContent=fmt(x)})}catch(x){}}).catch(N)}catch(x){}}
// Counts may come from an HTTP cache; after a like or share, revalidate once the server has it.
function later(r){R=R||r;clearTimeout(t);t=setTimeout(function(){fill(R);R=0},R?2e3:1e3)}
w.engagement={article:a,like:function(){send('like')},unlike:function(){send('unlike')},share:function(n){send('share',n||'other')},refresh:function(){fill(1)}};
send('view');
w.addEventListener('pageshow',function(e){e.persisted&&send('view')})
}catch(x){}}(window,document);
