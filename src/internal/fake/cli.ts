/**
 * `npm run fake-server -- --port 8900 --users 1000`: serves the fake
 * Tableau server on 127.0.0.1 until interrupted. Options: --port, --host,
 * --users, --sites, --latency (ms per request), --error-rate (0..1),
 * --reset-every (N), --retry-after (s), --seed.
 *
 * @internal
 */
import { listen } from "./node.ts"
import { routes } from "./routes/index.ts"
import { make } from "./server.ts"

const args = process.argv.slice(2)
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback
}

const fake = make(routes, {
  users: Number(option("users", "0")),
  sites: Number(option("sites", "0")),
  seed: Number(option("seed", "1")),
  faults: {
    latencyMs: Number(option("latency", "0")),
    errorRate: Number(option("error-rate", "0")),
    resetEvery: Number(option("reset-every", "0")),
    retryAfterSeconds: Number(option("retry-after", "0"))
  }
})

const listening = await listen(fake, Number(option("port", "8900")), option("host", "127.0.0.1"))
console.log(`listening ${listening.url}`)
const stop = () => {
  void listening.close().then(() => process.exit(0))
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
