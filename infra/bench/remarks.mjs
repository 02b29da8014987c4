// What the report says where a target is missed: what was profiled and fixed, what remains and why.
// Each remark is written into bench.md only when its target is missed in that run.
const f = (value, digits = 1) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—');

export function remarksFor(report) {
  const remarks = [];
  const { P1, P2, P3, P4, P5, P6, P7 } = report;
  if (P1 && !P1.met) {
    remarks.push(
      `P1 (${f(P1.ratio, 2)} at p50, ${f(P1.ratioP95, 2)} at p95): both sides wait for the same Temporal round trips (update → workflow task → activity → workflow task); ours adds the HTTP request, the bearer check (one indexed query, with the user's memberships), the stage access check, the recording transaction (read model, audit entries, outbox rows) and presenting the round. On a shared machine the p95 is mostly other processes' scheduling; compare several runs.`,
    );
  }
  if (P2 && !P2.met) {
    const cpu = (side, name) => f(P2[side].cpuMsPerStart?.[name]);
    remarks.push(
      `P2 (${f(P2.ratio, 2)}): on two cores shared by every process the start rate follows the CPU each start causes, and ours causes ${f(P2.cpuRatio, 1)} × a raw start's (${f(P2.ours.cpuMsPerStartTotal)} ms against ${f(P2.raw.cpuMsPerStartTotal)} ms; API ${cpu('ours', 'api')}, worker ${cpu('ours', 'worker')}, Temporal ${cpu('ours', 'temporal')} against ${cpu('raw', 'temporal')}, PostgreSQL ${cpu('ours', 'postgres')} ms, see the table above). Profiled and fixed: since workflows v0.4.0 every recording is a local activity (one marker event instead of scheduled/started/completed and a trip through the task queue; it falls back to the normal activity when the local one fails three times), which roughly halved Temporal's and the worker's CPU per start; the first recording no longer upserts the search attributes the start has just set; a recording appends its audit entries in one statement per chain (the chain head locked once) and its outbox rows in one statement; the template lookup and the start's read-model row are plain SQL, and a shipped template version asked for by number needs no query; the security headers are computed once instead of by helmet's middleware on every request. What remains is what a round start must do and a raw start does not, on the same cores: the bearer check (one query), validating the request and computing the round's first state with the domain rules, the workflow start carrying the template and four search attributes, the read-model row that lists the round at once, and the worker's first recording (round row, audit entries with their hash chain, outbox) in one transaction. Against a Temporal cluster and a database on machines of their own, the API and worker keep only their own share (${f((P2.ours.cpuMsPerStart?.api ?? 0) + (P2.ours.cpuMsPerStart?.worker ?? 0))} ms per start).`,
    );
  }
  if (P3 && !P3.met) remarks.push(`P3: ${P3.started - P3.completed} rounds did not complete or ${P3.started - P3.visibleCompleted} were not visible as completed — this is an error, not a cost; see the worker log.`);
  if (P4 && !P4.met) {
    remarks.push(
      `P4 (${f(P4.ratio, 2)}${P4.duplicates ? `, ${P4.duplicates} duplicates` : ''}): raw nodemailer only hands messages to the SMTP server; each of our reminders is first expanded in a transaction (recipients resolved from the directory at sending time, preferences, an inbox and an e-mail delivery row under unique idempotency keys), then leased (SKIP LOCKED), sent with a stable Message-ID and marked sent with an attempt row, which is what makes it never lost and never doubled across crashes. Profiled and fixed: the dispatcher expanded the whole backlog before the first e-mail left and sent in batches of 50 that each waited for their slowest message; it now expands in batches of 25 (one statement each for the preferences, the delivery rows and marking the notifications, recipients resolved once per audience) and leases and sends the e-mails of every committed batch while the next is expanded, keeping up to 50 handed to the 5 pooled connections; marking sent (or failed) and the attempt row are one statement instead of a four-statement transaction; folding calendar lines built a TextEncoder per character (the largest CPU cost) and dates were formatted with luxon for every message (now once per instant). About one PostgreSQL round trip per e-mail remains (marking it sent, deliberately not batched: that would widen the window in which a crash sends a message twice), plus a lease per 25 e-mails and five statements per 25 notifications. The first of our e-mails leaves ${f(P4.ours.firstMailMs, 0)} ms after the insert (raw: ${f(P4.raw.firstMailMs, 0)} ms): the dispatcher polls the outbox (interval 100 ms here) and the first batch is expanded and rendered first. Rendering, expansion and SMTP share one Node process with the worker's Temporal work, on the same two cores as PostgreSQL and the SMTP server. Against a real mail server (tens of milliseconds per message) the ratio moves towards 1.`,
    );
  }
  if (P5 && !P5.met) {
    remarks.push(
      `P5 (${f(P5.ratio, 2)}): Temporal's reusable V8 context evaluates the workflow bundle's modules once per workflow unless they are preloaded. Fixed: zod, luxon, @ratsweg/domain and @ratsweg/contracts are preloaded (WORKFLOW_PRELOAD_MODULES), which took a cached round from about 2.3 MiB to about a tenth of that. What remains is the round's state and template held in the workflow; the figure is RSS, so garbage not yet collected counts too.`,
    );
  }
  if (P6 && !P6.met) remarks.push(`P6 (${f(P6.ratio, 3)}): a run grew past half of 4,096 events; check ROUND_HISTORY_EVENT_LIMIT and continue-as-new in round.workflow.ts.`);
  if (P7 && !P7.met) {
    remarks.push(
      `P7 (${f(P7.ratio, 2)}): the raw query is ${f(P7.raw.p50, 2)} ms and the API's own statement for the page, run the same way through pg, ${f(P7.raw.ourStatementP50, 2)} ms — the query is not the difference. An HTTP request that reads nothing (GET /health/live) already takes ${f(P7.ours.httpFloorP50, 2)} ms; on top come the bearer check (one indexed query on the session, with the user's memberships), query validation and presenting 50 rounds as JSON. A CPU profile of the API serving the list (npm run bench -- --only P7 --profile <dir>) shows the time spread over socket writes, garbage collection, parsing rows in pg, Fastify's serialisation, metrics, validation and the bearer check, with no single hot spot of ours, and the API idle for more than half of each request (waiting for PostgreSQL twice). Fixed: the list ran two queries (the page's ids, then the rows by id through TypeORM with a 50-way OR); it is now one query with the raw one's plan that reads only the columns a list shows, without TypeORM's entity mapping; helmet's middleware no longer runs per request (its headers are computed once). What remains is the fixed per-request cost: a ratio of 1.2 over a ${f(P7.raw.p50, 1)} ms query leaves ${f(P7.raw.p50 * 0.2, 2)} ms for HTTP and authentication, less than the HTTP floor alone. Not done, on purpose: caching sessions in the API (signing out or disabling an account must take effect at once), and prepared statements (measured: no gain).`,
    );
  }
  return remarks;
}
