/*! engagement tracker: docs/pages.md */
!function(w,d){try{
var s=d.currentScript||d.querySelector('script[src*="tracker.js"]'),
m=d.querySelector('meta[name="article-id"]'),
a=s&&s.getAttribute('data-article')||m&&m.content,
b=s.src.replace(/\/tracker\.js([?#].*)?$/,''),
ls,v,t,R,K='engagement.vid',
N=function(){};
try{ls=w.localStorage;v=ls.getItem(K);if(!v){v=Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(12)),function(x){return(x+256).toString(16).slice(1)}).join('');ls.setItem(K,v)}}catch(e){v=0}
function send(y,x){try{if(!a)return;var e={type:y,article:a},u=b+'/v1/events',p,k;if(v)e.vid=v;for(k in x)e[k]=x[k];p=JSON.stringify(e);
if(!(navigator.sendBeacon&&navigator.sendBeacon(u,p)))fetch(u,{method:'POST',body:p,keepalive:!0,mode:'no-cors',credentials:'omit'}).catch(N);/^[lusv]/.test(y)&&later(y!='view')}catch(x){}}
function fmt(n){return String(n).replace(/\B(?=(\d{3})+(?!\d))/g,'\u00a0')}
function fill(r){try{var l=d.querySelectorAll('[data-engagement]');if(!a||!l.length)return;
fetch(b+'/v1/articles?ids='+encodeURIComponent(a),{cache:r?'no-cache':'default',credentials:'omit'}).then(function(r){return r.json()}).then(function(j){try{j=j.articles[0];
l.forEach(function(el){var f=el.getAttribute('data-engagement'),x=f=='shares'?j.shares&&j.shares.total:j[f];if(x!=null)el.textContent=fmt(x)})}catch(x){}}).catch(N)}catch(x){}}
function later(r){R=R||r;clearTimeout(t);t=setTimeout(function(){fill(R);R=0},R?2e3:1e3)}
w.engagement={article:a,like:function(){send('like')},unlike:function(){send('unlike')},share:function(n){send('share',{network:n||'other'})},refresh:function(){fill(1)}};
var E=0,T=0,L=0,D=0,I=0,B;
function on(n,f){w.addEventListener(n,f,!0)}
function depth(){try{B=B||d.querySelector('[data-engagement-body]')||d.querySelector('article');var r=B?B.getBoundingClientRect():{top:-scrollY,height:d.documentElement.scrollHeight};D=Math.max(D,Math.min(100,Math.round(r.height>0?(innerHeight-r.top)*100/r.height:100)))}catch(x){}}
function ping(){depth();send('ping',{engaged:E,depth:D});E=T=0}
function tick(){try{var o=Date.now()-L<5e3;o&&E<60&&E++;if(++T>14){o?ping():T=0}}catch(x){}}
function vis(){try{var h=d.visibilityState=='hidden';if(h&&I){clearInterval(I);I=0}if(!h&&!I)I=setInterval(tick,1e3)}catch(x){}}
'scroll keydown pointerdown pointermove touchstart wheel'.split(' ').forEach(function(n){on(n,function(){L=Date.now()})});
on('click',function(e){try{var t=e.target,g=t.closest('[data-engagement-goal]'),l=t.closest('a[href]');if(!e.isTrusted)return;
g&&send('conversion',{goal:g.getAttribute('data-engagement-goal')});l&&/^http/.test(l.href)&&l.origin!=location.origin&&!l.closest('[data-engagement-ignore]')&&send('outbound',{href:l.href})}catch(x){}});
on('visibilitychange',vis);
on('pagehide',function(){E&&ping();I&&clearInterval(I);I=0});
function V(){send('view',{url:location.href,referrer:d.referrer})}
V();vis();
on('pageshow',function(e){e.persisted&&(V(),vis())})
}catch(x){}}(window,document);
