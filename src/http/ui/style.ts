/**
 * The one stylesheet of every page (reports, public board, administration, auditors', sandbox,
 * sign-in): sent inline because the pages' policy allows no other source. Colours keep a contrast
 * of at least 4.5:1 on their background (low-n rows included), tables keep their first column in
 * view and scroll inside their own box, never the page.
 */
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans Arabic","DejaVu Sans",sans-serif;background:#f3f5f4;color:#18251e;line-height:1.45;min-height:100vh;display:flex;flex-direction:column}
a{color:#0a5530}
.skip{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.skip:focus{width:auto;height:auto;clip:auto;top:.5rem;inset-inline-start:.5rem;background:#fff;color:#0a5530;padding:.4rem;z-index:9}
header.top{background:#0b5d34;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top .brand{font-size:1.15rem;margin:0;font-weight:700}
header.top a,header.top button{color:#fff}
header.top .who{font-size:.85rem;display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
header.top form{margin:0}
header.top button{background:transparent;border:1px solid #fff;border-radius:.4rem;padding:.2rem .6rem;font:inherit;cursor:pointer}
nav.menu{background:#e4ede8;border-bottom:1px solid #c9d6cf}
nav.menu ul{list-style:none;margin:0 auto;padding:.35rem 1rem;display:flex;flex-wrap:wrap;gap:.2rem 1rem;max-width:76rem}
nav.menu a{color:#0a4a2a;text-decoration:none;display:inline-block;padding:.25rem 0}
nav.menu a[aria-current=page]{font-weight:700;text-decoration:underline}
main{max-width:76rem;width:100%;margin:0 auto;padding:1rem;flex:1}
main>h1{font-size:1.3rem;margin:.2rem 0 1rem;color:#0b5d34}
footer.bottom{font-size:.8rem;color:#3d4d44;padding:1rem;text-align:center;border-top:1px solid #dde5e0}
section{background:#fff;border-radius:.75rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.06);min-width:0}
h2{font-size:1.05rem;margin:0 0 .75rem;color:#0b5d34}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,9.5rem),1fr));gap:.6rem;align-items:end}
form.filters label,form.grid label,form.stack label{display:grid;gap:.2rem;font-size:.85rem;color:#3d4d44}
.presets{display:flex;flex-wrap:wrap;gap:.3rem .8rem;margin:.6rem 0 0;font-size:.9rem}
input,select{font:inherit;padding:.45rem .5rem;border:1px solid #6f8378;border-radius:.4rem;background:#fff;min-height:2.4rem;width:100%;min-width:0}
button.primary,a.button{font:inherit;background:#0b5d34;color:#fff;border:0;border-radius:.45rem;padding:.55rem 1rem;min-height:2.4rem;cursor:pointer;text-decoration:none;display:inline-block;text-align:center}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,10rem),1fr));gap:.75rem}
.card{border:1px solid #dde5e0;border-radius:.6rem;padding:.7rem}
.card .label{font-size:.85rem;color:#3d4d44}
.card .value{font-size:1.6rem;font-weight:700;color:#0b5d34;font-variant-numeric:tabular-nums}
.card .n{font-size:.8rem;color:#4a5a51}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,28rem),1fr));gap:1rem}
.charts section{margin:0}
.chart{max-width:36rem}
.chart svg{width:100%;height:auto;display:block;direction:ltr}
.chart .narrow{display:none}
@media (max-width:40rem){.chart .wide{display:none}.chart .narrow{display:block}}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.table-wrap{overflow-x:auto;max-width:100%;border:1px solid #e3e9e5;border-radius:.4rem}
.table-wrap:focus{outline:2px solid #0b5d34;outline-offset:2px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:.88rem;font-variant-numeric:tabular-nums}
th,td{padding:.4rem .45rem;border-bottom:1px solid #e3e9e5;text-align:start;white-space:nowrap;background:#fff}
thead th{background:#f1f5f3;position:sticky;top:0}
th.id,td.id{position:sticky;inset-inline-start:0;z-index:1;white-space:normal;min-width:8rem;max-width:14rem;box-shadow:inset -1px 0 0 #e3e9e5}
thead th.id{z-index:2}
td.wrap{white-space:normal;min-width:12rem}
table.labels th,table.labels td:first-child{white-space:normal}
td[data-metric]{white-space:normal;min-width:5.2rem;max-width:7.5rem}
td[data-metric] .pm{display:block}
@media (min-width:64rem){table{font-size:.82rem}}
th a{color:inherit}
tr.low-n td{color:#4a5a51;background:#f7f9f8}
.badge{display:inline-block;font-size:.75rem;padding:.05rem .4rem;border-radius:.6rem;background:#f6e7c8;color:#5a4100;margin-inline-start:.3rem}
.band-above{color:#0a5530;font-weight:600}.band-below{color:#a12a1e;font-weight:600}
.exports{display:flex;gap:.5rem;flex-wrap:wrap}
.note{color:#4a5a51;font-size:.85rem}
.pm{color:#4a5a51;font-size:.8em}
.error{background:#fdecec;color:#8a1f1f;border:1px solid #f2b8b8;border-radius:.5rem;padding:.6rem .8rem}
.ok{background:#e8f5ec;border:1px solid #a6d6b5;border-radius:.5rem;padding:.6rem .8rem}
dl.defs dt{font-weight:600;margin-top:.5rem}dl.defs dd{margin:0;color:#3d4d44}
ol.chain{list-style:none;padding:0;margin:.5rem 0 0}ol.chain>li{padding:.15rem 0}ul.drops{margin:0;padding-inline-start:1.2rem;color:#6b4400;font-size:.85rem}
.award ol{margin:.4rem 0;padding-inline-start:1.4rem}
.login{max-width:24rem;margin:3rem auto}
ul.people{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,34rem),1fr))}
li.person{border:1px solid #dde5e0;border-radius:.6rem;padding:.7rem;min-width:0}
.person-name{font-size:1rem;margin:0;overflow-wrap:anywhere}
.person-facts{margin:.15rem 0 .5rem;color:#3d4d44;font-size:.9rem;overflow-wrap:anywhere}
form.person-edit{grid-template-columns:repeat(auto-fit,minmax(min(100%,9rem),1fr))}
.person-actions{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.5rem}
.sandbox{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:60rem){.sandbox{grid-template-columns:minmax(0,22rem) minmax(0,1fr);align-items:start}.sandbox #citizen{grid-column:1;grid-row:1}.sandbox #ticket{grid-column:1;grid-row:2}.sandbox #phone{grid-column:2;grid-row:1/span 2}.sandbox #magic{grid-column:1/-1;grid-row:3}}
.sandbox section{margin:0}
.sandbox label{display:grid;gap:.2rem;font-size:.85rem;color:#3d4d44;margin-bottom:.5rem}
.sandbox button{font:inherit;border-radius:.45rem;padding:.5rem .8rem;min-height:2.4rem;cursor:pointer;border:1px solid #0b5d34;background:#fff;color:#0b5d34}
.sandbox button.primary{background:#0b5d34;color:#fff}.sandbox button.danger{background:#a12828;border-color:#a12828;color:#fff}
.sandbox button:disabled{opacity:.45;cursor:default}
.sandbox textarea{min-height:auto;direction:inherit;text-align:start}
.row{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
.noscript{background:#fdecec;color:#8a1f1f;border:1px solid #f2b8b8;border-radius:.5rem;padding:.8rem 1rem;font-weight:600}
.phone{max-width:26rem;margin-inline:auto;border:10px solid #1d2a23;border-radius:2rem;padding:.75rem;background:#fafcfb;min-height:36rem}
.tabs{display:flex;gap:.25rem;margin-bottom:.75rem}.tabs button{flex:1}.sandbox .tabs button[aria-selected=true]{background:#0b5d34;color:#fff}
.keypad{display:grid;grid-template-columns:repeat(3,1fr);gap:.4rem;margin:.6rem 0}.sandbox .keypad button{font-size:1.3rem;min-height:3rem}
.awaiting{font-weight:600;color:#0b5d34;min-height:1.5rem}
ol.transcript{list-style:none;margin:0;padding:0;max-height:18rem;overflow-y:auto;border:1px solid #dde5e0;border-radius:.5rem}
ol.transcript li{padding:.35rem .5rem;border-bottom:1px solid #eef2ef;font-size:.9rem}
ol.transcript li.service{background:#eef6f1}ol.transcript li.network{color:#4a5a51;font-size:.8rem}
ol.transcript .meta{display:block;font-size:.75rem;color:#4a5a51}
ol.messages{list-style:none;margin:0;padding:0;display:grid;gap:.5rem;max-height:22rem;overflow-y:auto}
ol.messages li{padding:.5rem .7rem;border-radius:.8rem;max-width:85%;white-space:pre-wrap;word-break:break-word}
ol.messages li.out{background:#e6efe9;justify-self:start}ol.messages li.in{background:#0b5d34;color:#fff;justify-self:end}
ol.messages .meta{display:block;font-size:.75rem;opacity:.8;margin-top:.2rem}
ol.messages a{color:inherit;font-weight:600}
.tabs{flex-wrap:wrap}.sandbox .tabs button{padding-inline:.4rem}
ol.mails{list-style:none;margin:0 0 .75rem;padding:0;display:grid;gap:.35rem;max-height:16rem;overflow-y:auto}
.sandbox ol.mails button{display:block;width:100%;text-align:start;border-color:#c9d6ce;color:#17231c}
.sandbox ol.mails button[aria-pressed=true]{border-color:#0b5d34;background:#eef6f1}
ol.mails .subject{display:block;font-weight:600;overflow-wrap:anywhere}ol.mails .meta{display:block;font-size:.8rem;color:#3d4d44;overflow-wrap:anywhere}
.mail-open h3{margin:.25rem 0 .5rem;overflow-wrap:anywhere}.mail-open h4{margin:.75rem 0 .3rem;font-size:.9rem}
dl.mail-headers{display:grid;grid-template-columns:auto minmax(0,1fr);gap:.2rem .6rem;margin:0;font-size:.85rem}
dl.mail-headers dt{color:#3d4d44}dl.mail-headers dd{margin:0;overflow-wrap:anywhere;text-align:start}
iframe.mail-html{display:block;width:100%;height:26rem;border:1px solid #c9d6ce;border-radius:.5rem;background:#fff}
pre.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;max-height:14rem;overflow-y:auto;border:1px solid #dde5e0;border-radius:.5rem;padding:.5rem;font-size:.85rem;margin:0;text-align:start}
ul.mail-attachments{margin:0;padding-inline-start:1.2rem;font-size:.9rem;overflow-wrap:anywhere}
[hidden]{display:none!important}
.flash{min-height:1.4rem;font-size:.9rem}.flash.error{color:#8a1f1f}
ul.jobs{margin:.4rem 0;padding-inline-start:1.2rem;font-size:.9rem}
ul.jobs li.skipped{color:#6b4400}
.login form{display:grid;gap:.75rem}
.login label{display:grid;gap:.25rem}
ul.words{list-style:none;padding:0;margin:0}ul.words li{border-bottom:1px solid #e3e9e5;padding:.5rem 0}
ul.words blockquote{margin:.2rem 0;font-size:1rem}
.landing{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,16rem),1fr));gap:1rem}
form.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,13rem),1fr));gap:.6rem;align-items:end}
form.stack{display:grid;gap:.6rem;max-width:40rem}
form.inline{display:inline-block;max-width:100%}
td:has(form){white-space:normal;min-width:16rem}
td form.inline{display:inline-flex;flex-wrap:wrap;gap:.3rem;align-items:center;vertical-align:middle}
td form.inline input,td form.inline select{width:auto;min-width:5rem;max-width:11rem}
fieldset{border:1px solid #dde5e0;border-radius:.5rem;min-width:0}
textarea{font:inherit;width:100%;min-height:8rem;padding:.45rem;border:1px solid #6f8378;border-radius:.4rem;direction:ltr}
.once{background:#fff8e1;border:1px solid #e8cf7a;border-radius:.5rem;padding:.7rem}
.once code{display:block;font-size:1rem;word-break:break-all;direction:ltr;text-align:left;margin-top:.4rem}
pre{white-space:pre-wrap;word-break:break-all;direction:ltr;text-align:left;font-size:.8rem;margin:0}
.api-op{border-top:1px solid #e3e9e5;padding:.5rem 0}.api-op h3 code{overflow-wrap:anywhere;font-size:.95rem}
input[type=checkbox],input[type=radio]{width:auto;min-height:auto}
form.stack label.check{display:block;font-size:.9rem;padding:.15rem 0}
button.small{white-space:normal;max-width:100%;text-align:start;font:inherit;font-size:.85rem;padding:.25rem .6rem;border:1px solid #0b5d34;border-radius:.4rem;background:#fff;color:#0b5d34;cursor:pointer;min-height:2rem}
@media (max-width:40rem){main{padding:.6rem}.card .value{font-size:1.35rem}th,td{padding:.35rem .4rem}}
`;
