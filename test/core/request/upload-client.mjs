// Uploads request bodies with fetch from a process of its own, as a real client does.
// In the server's own process, fetch's reads interleave with the server's writes and
// hide the connection reset that a client elsewhere sees (see oversized-body.test.ts).
//
//   node upload-client.mjs '{"url":"http://127.0.0.1:1234/items","requests":50,"concurrency":10,"bytes":5242880}'
//
// Prints one JSON array: per request, { status, connection, body } or { error }.
const { url, requests, concurrency, bytes } = JSON.parse(process.argv[2]);
const body = new Uint8Array(bytes).fill(0x20);
const results = [];
let started = 0;

async function worker() {
  while (started < requests) {
    started++;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      results.push({ status: res.status, connection: res.headers.get('connection'), body: await res.text() });
    } catch (error) {
      results.push({ error: String(error.cause?.code ?? error.cause?.message ?? error.message) });
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify(results));
