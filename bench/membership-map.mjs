// Heap cost of the Users.export membership map (user ID -> group index or indexes) for 100,001 users
// in 3 groups (110,111 memberships). Run: node --expose-gc bench/membership-map.mjs
const gc = globalThis.gc
const mb = () => { gc(); return process.memoryUsage().heapUsed / 1048576 }
const ids = Array.from({ length: 100_001 }, (_, i) => `${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}-1234-4abc-a123-${String(i).padStart(12, "0")}`)
const before = mb()
const m = new Map()
ids.forEach((id, i) => { const k = id.split("").join(""); m.set(k, 0); if (i % 10 === 0) m.set(k, [0, 1]); if (i < 100) { const v = m.get(k); Array.isArray(v) ? v.push(2) : m.set(k, [v, 2]) } })
const after = mb()
console.log(`map of ${m.size} users, 110,111 memberships: ${(after - before).toFixed(1)} MB`)
