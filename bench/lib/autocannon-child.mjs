// Runs autocannon once (the fallback load generator when wrk is not installed) and
// prints one BENCHJSON line in the same shape as the wrk script of bench/lib/load.ts.
// usage: node autocannon-child.mjs <baseUrl> <requests as JSON> <seconds> <connections>
import autocannon from 'autocannon';

const [url, requests, seconds, connections] = process.argv.slice(2);
const result = await autocannon({
  url,
  requests: JSON.parse(requests),
  connections: Number(connections),
  duration: Number(seconds),
  timeout: 30,
});
const out = {
  requests: result.requests.total,
  duration_us: Math.round(result.duration * 1e6),
  p50_us: Math.round(result.latency.p50 * 1000),
  p99_us: Math.round(result.latency.p99 * 1000),
  max_us: Math.round(result.latency.max * 1000),
  status_errors: result.non2xx,
  socket_errors: result.errors + result.timeouts,
};
process.stdout.write(`BENCHJSON ${JSON.stringify(out)}\n`);
