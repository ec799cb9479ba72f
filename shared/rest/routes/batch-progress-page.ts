import { route, type Route } from '../router.ts';

/**
 * GET /engine-rest/batch-progress (an extension, docs/api.md "Progress page"): one HTML page that
 * shows the batches with live progress (it polls the REST API every second: GET batch/statistics and
 * each batch's failure report), and suspends, resumes and deletes them through it. It holds no data
 * of its own: with authentication on, the browser's Basic credentials for this page are sent with
 * its calls, and every call is checked as any other.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Batches</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  .bar { width: 16rem; height: .9rem; background: #eee; display: flex; }
  .bar span { display: block; height: 100%; }
  .completed { background: #3a8f3a; } .failed { background: #c0392b; }
  .failures { font-size: 12px; color: #a00; margin: .3rem 0 0; padding-left: 1rem; }
  #error { color: #a00; }
</style>
</head>
<body>
<h1>Batches</h1>
<p id="status">Loading…</p>
<p id="error"></p>
<table>
  <thead><tr><th>Batch</th><th>Type</th><th>Progress</th><th>Created</th><th>Completed</th><th>Failed</th><th>Remaining</th><th></th></tr></thead>
  <tbody id="batches"></tbody>
</table>
<script>
const api = (path, options) => fetch(path, { credentials: 'same-origin', ...options });
const text = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
async function act(method, path, body) {
  const response = await api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    document.getElementById('error').textContent = method + ' ' + path + ': ' + response.status + ' ' + (error.message ?? '');
  }
  await refresh();
}
async function refresh() {
  const response = await api('batch/statistics');
  if (!response.ok) {
    document.getElementById('status').textContent = 'The batches cannot be read: ' + response.status;
    return;
  }
  const batches = await response.json();
  const rows = [];
  for (const b of batches) {
    const failures = b.instancesFailed > 0 || b.failedJobs > 0 ? await (await api('batch/' + encodeURIComponent(b.id) + '/failures?maxResults=20')).json() : [];
    const total = Math.max(1, b.totalJobs);
    rows.push('<tr data-batch="' + text(b.id) + '">' +
      '<td><code>' + text(b.id) + '</code>' + (b.suspended ? ' <em class="suspended">suspended</em>' : '') + '</td>' +
      '<td>' + text(b.type) + '</td>' +
      '<td><div class="bar" role="progressbar" aria-valuenow="' + b.completedJobs + '" aria-valuemax="' + b.totalJobs + '">' +
        '<span class="completed" style="width:' + (100 * b.completedJobs / total) + '%"></span>' +
        '<span class="failed" style="width:' + (100 * b.failedJobs / total) + '%"></span></div></td>' +
      '<td class="created">' + b.jobsCreated + '</td><td class="completed-count">' + b.completedJobs + '</td>' +
      '<td class="failed-count">' + b.failedJobs + '</td><td class="remaining">' + b.remainingJobs + '</td>' +
      '<td>' + (b.suspended
        ? '<button data-action="resume">Resume</button>'
        : '<button data-action="suspend">Suspend</button>') + ' <button data-action="delete">Delete</button>' +
        (failures.length ? '<ul class="failures">' + failures.map((f) => '<li>' + text(f.outcome) + ' ' + text(f.processInstanceId ?? f.elementId) + ': ' + text(f.exceptionMessage) + '</li>').join('') + '</ul>' : '') +
      '</td></tr>');
  }
  document.getElementById('batches').innerHTML = rows.join('');
  document.getElementById('status').textContent = batches.length + ' batch(es), updated ' + new Date().toLocaleTimeString();
}
document.getElementById('batches').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const id = button.closest('tr').dataset.batch;
  const path = 'batch/' + encodeURIComponent(id);
  if (button.dataset.action === 'suspend') act('PUT', path + '/suspended', { suspended: true });
  if (button.dataset.action === 'resume') act('PUT', path + '/suspended', { suspended: false });
  if (button.dataset.action === 'delete' && confirm('Delete batch ' + id + '?')) act('DELETE', path);
});
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;

export const batchProgressPageRoutes: Route[] = [
  route({ method: 'GET', pattern: '/batch-progress', handler: async () => ({ status: 200, rawBody: PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } }) }),
];
