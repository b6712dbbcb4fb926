/** Console styles, added after the shared layout's (views/layout.ts) and overriding its width. */
export const CONSOLE_STYLE = `
main{max-width:68rem;margin:0 auto;padding:1.25rem 1rem 3rem}
.topbar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;margin-bottom:1.5rem}
.topbar .brand{font-weight:700;color:var(--fg);text-decoration:none;margin-right:auto}
.topbar nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.topbar a{color:var(--accent)}.topbar a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--fg)}
.topbar form{margin:0}.narrow{max-width:30rem;margin:6vh auto 0}
.card{margin-bottom:1.25rem;padding:1.5rem}h2{font-size:1.1rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}.hint{font-weight:400;color:var(--muted);font-size:.85rem}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=datetime-local],textarea,select{width:100%;padding:.55rem .65rem;border:1px solid #b8bdc9;border-radius:8px;font:inherit;background:var(--card);color:var(--fg)}
textarea{min-height:5.5rem;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
input:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1rem;border:0;border-radius:8px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
@media (prefers-color-scheme:dark){button,.button{color:#111318}}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
button.danger,.button.danger{background:var(--bad)}.button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
ul.consequences{padding-left:1.2rem}ul.consequences li{margin:.35rem 0}button.small{margin:0;padding:.3rem .7rem;font-size:.85rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.actions form{margin:0}.actions button{margin-top:0}
.table-wrap{overflow-x:auto;position:relative}table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid rgba(127,127,127,.25);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.notice{padding:.75rem 1rem;border-radius:8px;background:rgba(51,70,211,.1);margin-bottom:1rem}
.notice.bad{background:rgba(180,35,24,.1);color:var(--bad)}.notice.warn{background:rgba(214,140,0,.15)}
.secret{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.25rem 0 .75rem}
.secret code,pre{display:block;flex:1 1 20rem;padding:.6rem .75rem;border-radius:8px;background:rgba(127,127,127,.12)}
pre{overflow-x:auto;white-space:pre;font:.82rem/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;margin:.25rem 0 .75rem}
.pill{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.78rem;font-weight:600;background:rgba(127,127,127,.18)}
.pill.ok{background:rgba(16,140,72,.18)}.pill.bad{background:rgba(180,35,24,.18);color:var(--bad)}
.grid{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}
.empty{color:var(--muted);font-style:italic}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:var(--muted)}dd{margin:0}
p code,td code,dd code{word-break:normal;overflow-wrap:anywhere}a.button+a{margin-left:.75rem}.card>.actions:last-child{margin-top:1rem}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}form.filters label{margin:0;font-weight:400;font-size:.85rem}
.outcome-failure,.outcome-denied,.outcome-alert{color:var(--bad);font-weight:600}
form.filters label{flex:1 1 11rem}form.filters input,form.filters select{width:100%;min-width:0}form.filters .actions{flex:1 1 100%}form.filters .actions button{margin:0}
.log-tools{margin:1rem 0 .5rem}.log-tools span{margin-right:auto;color:var(--muted)}.pager{justify-content:space-between;margin-top:1rem}
table.log{table-layout:fixed}table.log td{overflow-wrap:anywhere;font-size:.85rem}table.log th:nth-child(1){width:7.5rem}table.log th:nth-child(2){width:12.5rem}table.log th:nth-child(5){width:7rem}
@media (max-width:48rem){table.log,table.log tbody,table.log tr,table.log td{display:block;width:auto}table.log thead{display:none}
table.log tr{padding:.6rem 0;border-bottom:1px solid rgba(127,127,127,.35)}table.log td{display:grid;grid-template-columns:5.5rem minmax(0,1fr);gap:.5rem;border:0;padding:.15rem 0}
table.log td::before{content:attr(data-label);color:var(--muted);font-size:.8rem}table.log td:has(> div:empty){display:none}}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
code.id{white-space:nowrap}.actions a.button{margin-top:0}.actions a.button+a{margin-left:0}a.button.small{margin:0;padding:.3rem .7rem;font-size:.85rem}a.button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
@media (max-width:40rem){table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody{display:block}table.stack tr{display:block;padding:.5rem 0;border-bottom:1px solid rgba(127,127,127,.35)}
table.stack td{display:flex;gap:.75rem;padding:.2rem 0;border:0}table.stack td>*{min-width:0}table.stack td>.actions{flex:1 1 0}
table.stack td::before{content:attr(data-label);flex:0 0 5.5rem;color:var(--muted);font-size:.8rem;text-transform:uppercase}
table.stack code.id{white-space:normal;overflow-wrap:anywhere}}
`;
