// The floor under P2: the baseline workflow started behind a bare node:http server in a process of
// its own, no framework, no authentication. `POST /start` starts it; `POST /start?queries=1` adds
// the API's database round trips around the start (two before it, one after it, each a trivial
// statement through pg), so the report can tell the cost of the hops from the cost of our code.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';

const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, BASELINE_TASK_QUEUE, DATABASE_URL, PORT } = process.env;
const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
const db = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });

const server = createServer((request, response) => {
  const withQueries = request.url?.endsWith('?queries=1') ?? false;
  request.resume();
  request.on('end', () => {
    void (async () => {
      if (withQueries) {
        await db.query('SELECT 1');
        await db.query('SELECT 1');
      }
      const workflowId = `baseline-${randomUUID()}`;
      await client.workflow.start('baselineWorkflow', { workflowId, taskQueue: BASELINE_TASK_QUEUE, args: [] });
      if (withQueries) await db.query('SELECT 1');
      const body = JSON.stringify({ workflowId });
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    })().catch((error) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
});
server.listen(Number(PORT), '127.0.0.1', () => console.log(`Baseline HTTP starter listening on ${PORT}`));
