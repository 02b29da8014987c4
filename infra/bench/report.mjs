// Writes bench.json (every figure) and bench.md (the same, for people) of a benchmark run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const fmt = (value, digits = 2) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : String(value ?? '—'));
const kib = (bytes) => `${fmt(bytes / 1024, 1)} KiB`;
const verdict = (result) => (result.met ? 'met' : '**missed**');

export function writeReports(dir, report) {
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'bench.md'), markdown(report));
}

function markdown(report) {
  const { P1, P2, P3, P4, P5, P6, P7, perRound, machine, settings } = report;
  const lines = [
    `# Ratsweg benchmarks (${report.mode} run)`,
    '',
    `Commit \`${report.commit}\`, ${report.startedAt} – ${report.finishedAt}.`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}.`,
    '',
    `Written by \`npm run bench${report.mode === 'smoke' ? ' -- --smoke' : ''}\` (infra/bench/run.mjs). Ours and raw run on the same machine in the same run,`,
    `against the same Temporal dev server (SQLite), PostgreSQL and SMTP server; repetitions interleave the two sides (who goes first alternates),`,
    `${settings.warmups} warm-up repetition(s) excluded, figures are medians over ${settings.reps} measured repetitions and each ratio is the median of the per-repetition ratios.`,
    'Absolute times on a shared machine are noisy; the ratios are what to compare.',
    '',
    '| | measures | ours | raw | ratio | target | |',
    '|---|---|---|---|---|---|---|',
  ];
  if (P1) {
    lines.push(`| P1 | decision latency p50 (ms) | ${fmt(P1.ours.p50)} | ${fmt(P1.raw.p50)} | ${fmt(P1.ratio)} | ≤ 1.3 | ${P1.ratio <= 1.3 ? 'met' : '**missed**'} |`);
    lines.push(`| P1 | decision latency p95 (ms) | ${fmt(P1.ours.p95)} | ${fmt(P1.raw.p95)} | ${fmt(P1.ratioP95)} | ≤ 1.5 | ${P1.ratioP95 <= 1.5 ? 'met' : '**missed**'} |`);
    lines.push(`| P1 | decision latency p99 (ms) | ${fmt(P1.ours.p99)} | ${fmt(P1.raw.p99)} | ${fmt(P1.ratioP99)} | — | |`);
  }
  if (P2) lines.push(`| P2 | round starts per second (${P2.concurrency} at a time) | ${fmt(P2.ours.perSecond, 1)} | ${fmt(P2.raw.perSecond, 1)} | ${fmt(P2.ratio)} | ≥ 0.8 | ${verdict(P2)} |`);
  if (P3) {
    lines.push(`| P3 | completed ÷ started (${P3.started} rounds) | ${P3.completed} | ${P3.started} | ${fmt(P3.completedRatio, 3)} | = 1 | ${P3.completedRatio === 1 ? 'met' : '**missed**'} |`);
    lines.push(`| P3 | Temporal visibility count ÷ started | ${P3.visibleCompleted} | ${P3.started} | ${fmt(P3.visibilityRatio, 3)} | = 1 | ${P3.visibilityRatio === 1 ? 'met' : '**missed**'} |`);
  }
  if (P4) {
    lines.push(`| P4 | reminders delivered per second | ${fmt(P4.ours.perSecond, 1)} | ${fmt(P4.raw.perSecond, 1)} | ${fmt(P4.ratio)} | ≥ 0.8 | ${P4.ratio >= 0.8 ? 'met' : '**missed**'} |`);
    lines.push(`| P4 | duplicate e-mails | ${P4.duplicates} | — | — | = 0 | ${P4.duplicates === 0 ? 'met' : '**missed**'} |`);
  }
  if (P5) lines.push(`| P5 | worker RSS per cached open workflow | ${kib(P5.ours.perWorkflowBytes)} | ${kib(P5.raw.perWorkflowBytes)} | ${fmt(P5.ratio)} | ≤ 2 | ${verdict(P5)} |`);
  if (P6) lines.push(`| P6 | largest history of one run (events) | ${P6.largestRunEvents} | 4096 | ${fmt(P6.ratio, 3)} | ≤ 0.5 | ${verdict(P6)} |`);
  if (P7) lines.push(`| P7 | list of rounds, p50 (ms), ${P7.rounds} rounds | ${fmt(P7.ours.p50)} | ${fmt(P7.raw.p50)} | ${fmt(P7.ratio)} | ≤ 1.2 | ${verdict(P7)} |`);
  lines.push('', '## What each side does', '');
  const sides = { P1, P2, P4, P5, P7 };
  for (const [name, result] of Object.entries(sides)) {
    if (!result) continue;
    lines.push(`- **${name} ${result.title}.** Ours: ${result.ours.does}. Raw: ${result.raw.does}.`);
  }
  if (P3) lines.push(`- **P3 ${P3.title}.** ${P3.does}; all ${P3.started} took ${fmt(P3.secondsForAll, 1)} s.`);
  if (P6) {
    lines.push(
      `- **P6 ${P6.title}.** Method: ${P6.does}. The chain had ${P6.runs} runs (${P6.historyEventsPerRun.join(', ')} events; ${P6.eventsAllRuns} in all) and took ${fmt(P6.secondsForRun, 1)} s.`,
    );
  }
  if (P2?.ours.cpuMsPerStart) {
    lines.push('', `P2: CPU time per round start (ms, median of the repetitions; each side counted from its first start until its worker caught up)`, '');
    const direct = P2.direct?.cpuMsPerStart ?? {};
    lines.push('| process | ours (HTTP) | our workflow, started by the client | raw |', '|---|---|---|---|');
    for (const name of Object.keys(P2.ours.cpuMsPerStart)) lines.push(`| ${name} | ${fmt(P2.ours.cpuMsPerStart[name])} | ${fmt(direct[name])} | ${fmt(P2.raw.cpuMsPerStart[name])} |`);
    lines.push(`| all | ${fmt(P2.ours.cpuMsPerStartTotal)} | ${fmt(P2.direct?.cpuMsPerStartTotal)} | ${fmt(P2.raw.cpuMsPerStartTotal)} |`);
    lines.push(`| starts per second | ${fmt(P2.ours.perSecond)} | ${fmt(P2.direct?.perSecond)} | ${fmt(P2.raw.perSecond)} |`);
    lines.push(
      '',
      `Ours takes ${fmt(P2.cpuRatio)} × the CPU of a raw start. The middle column starts the round workflow with the input and search attributes the API gives it, straight through the client: ours ÷ raw (${fmt(P2.ratio, 2)}) = ours ÷ that (${fmt(P2.apiRatio, 2)}, the API's share: HTTP, bearer check, template lookup, read-model row) × that ÷ raw (${fmt(P2.workflowRatio, 2)}, what our workflow costs Temporal and the worker).`,
    );
    if (P2.overHttp) {
      lines.push(
        '',
        `The floor under any HTTP API here: the baseline workflow started behind a bare node:http server in a process of its own runs ${fmt(P2.overHttp.perSecond, 1)} starts/s (${fmt(P2.overHttp.ratio, 2)} × raw); with the API's three database round trips around the start (trivial statements) ${fmt(P2.overHttp.withQueriesPerSecond, 1)} starts/s (${fmt(P2.overHttp.withQueriesRatio, 2)} × raw). Times what our workflow costs (${fmt(P2.workflowRatio, 2)}), an API that authenticates, looks up and lists as ours does stays at or below ${fmt(P2.overHttp.withQueriesRatio * P2.workflowRatio, 2)} on this machine, and below ${fmt(P2.overHttp.ratio * P2.workflowRatio, 2)} with no database at all.`,
      );
    }
  }
  if (P7?.raw.ourStatementP50 !== undefined) {
    lines.push(
      '',
      `P7, where the time of one list request goes (p50): the API's own statement for the page through pg ${fmt(P7.raw.ourStatementP50)} ms (raw \`SELECT *\` ${fmt(P7.raw.p50)} ms); an HTTP request that reads nothing (GET /health/live) ${fmt(P7.ours.httpFloorP50)} ms; the rest of ${fmt(P7.ours.p50)} ms is the bearer check (one query), validation, presenting 50 rounds and writing the JSON.`,
    );
  }
  if (P7?.raw.plan) lines.push('', 'Plan of the raw query (EXPLAIN):', '', '```', ...P7.raw.plan, '```');
  if (perRound && Object.keys(perRound).length > 0) {
    lines.push('', '## Per-round costs (measured; input to "Scale on paper" in the README)', '');
    lines.push('| template | runs | history events | history bytes | activities (local) | timers | workflow tasks | updates | DB rows | DB bytes (row data) | notifications | deliveries | e-mails |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [key, cost] of Object.entries(perRound)) {
      const t = cost.temporal;
      lines.push(
        `| ${key} | ${t.runs} | ${t.historyEvents} | ${t.historyBytes} | ${t.activities} (${t.localActivities ?? 0}) | ${t.timers} | ${t.workflowTasks} | ${t.updates} | ${cost.database.rows} | ${cost.database.bytes} | ${cost.notifications.notifications} | ${cost.notifications.deliveries} | ${cost.notifications.emails} |`,
      );
    }
    lines.push('', 'Rows per table: ' + Object.entries(perRound).map(([key, cost]) => `${key}: ${Object.entries(cost.database.tables).map(([table, t]) => `${table} ${t.rows}`).join(', ')}`).join('; ') + '.');
    lines.push('Notification rows of digitale-agenda go to bodies and the administrator; the benchmark has no directory, so only the administrator\'s are delivered (inbox + e-mail).');
  }
  if (report.remarks?.length) lines.push('', '## Where a target is missed, and why', '', ...report.remarks.map((remark) => `- ${remark}`));
  lines.push('');
  return lines.join('\n');
}
