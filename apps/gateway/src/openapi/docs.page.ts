type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A self-contained HTML reference of an OpenAPI document (no scripts, no external assets). */
export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; version: string; description?: string };
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = ((op.parameters ?? []) as Json[])
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${esc(p.description ?? '')}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`,
        )
        .join('');
      const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, { description: string }>)
        .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description)}</li>`)
        .join('');
      ops.push(`<section id="${esc(op.operationId ?? `${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op['x-flowgate-permission'] ? ` <small>(permission <code>${esc(op['x-flowgate-permission'])}</code>)</small>` : ''}</p>
${op.description ? `<p>${esc(op.description)}</p>` : ''}
${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<details><summary>request body (${esc(Object.keys(body.content).join(', '))})</summary><pre>${esc(JSON.stringify(Object.values(body.content)[0]?.schema, null, 2))}</pre></details>` : ''}
<ul>${responses}</ul>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} ${esc(info.version)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}code,pre{font:12px ui-monospace,monospace}
pre{background:#f6f8fa;padding:.8em;overflow:auto;max-height:30em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td code{word-break:break-all}.m{display:inline-block;min-width:4.5em;text-align:center;color:#fff;border-radius:3px;padding:1px 4px;font-size:12px}
.get{background:#2b7bb9}.post{background:#2a9d55}.delete{background:#c0392b}.put,.patch{background:#b9822b}section{border-top:1px solid #eee;padding-top:.3em}</style>
</head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>.</p>
${ops.join('\n')}
</body></html>`;
}
