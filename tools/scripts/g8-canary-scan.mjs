// G8 (reliability.md): scans what `npm test` captured (libs/testing/src/g8/g8-capture.js: logs, HTTP error bodies,
// /metrics bodies, prompts sent to the fake model) for canary personal data. A hit names the capture file, line,
// kind, the test file and the marker family, never the text around it: the report itself must not leak.
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Marker families, matched case-insensitively. Besides the libs/testing canaries (`Canary7q`, `pii-canary.test`,
 * +9997…) and the simulator's phone range (+49 30 23125…), the fixed canaries some suites wrote before G8
 * (`CanaryVorname-7f3a`, `canary-7f3a@…`, `Canary-Pii-7f3e`, the erasure tests' phones) count too.
 */
export const CANARY_MARKERS = [
  { name: 'canary-name', pattern: 'canary7q' },
  { name: 'canary-mail-domain', pattern: 'pii-canary\\.test' },
  { name: 'canary-phone', pattern: '\\+9997[0-9]{9}' },
  { name: 'simulated-phone', pattern: '\\+493023125[0-9]{3}' },
  { name: 'suite-canary-7f3', pattern: 'canary[a-z]*-(?:pii-)?7f3[a-f]' },
  { name: 'suite-canary-phone', pattern: '\\+49155(?:57003731|50007123)' },
];

const MARKERS = new RegExp(CANARY_MARKERS.map((m) => `(${m.pattern})`).join('|'), 'gi');

/** `\u0041`-style escapes (JSON, JavaScript) decoded, also when escaped twice (a JSON string inside a JSON log line). */
function jsonUnescaped(text) {
  let current = text;
  for (let round = 0; round < 2 && current.includes('\\'); round++) {
    current = current
      .replace(/\\+u([0-9a-fA-F]{4})/g, (_match, hex) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\+\//g, () => '/');
  }
  return current;
}

/** `%2B`-style escapes decoded run by run, so one malformed sequence does not hide the rest; `+` stays a plus. */
function urlDecoded(text) {
  let current = text;
  for (let round = 0; round < 2 && current.includes('%'); round++) {
    current = current.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
  return current;
}

/** The marker families found in `text`, in any mix of case, JSON escaping and URL encoding. */
export function findCanaries(text) {
  const found = new Set();
  const variants = new Set([text, jsonUnescaped(text), urlDecoded(text), urlDecoded(jsonUnescaped(text)), jsonUnescaped(urlDecoded(text))]);
  for (const variant of variants) {
    for (const match of variant.matchAll(MARKERS)) {
      const index = match.slice(1).findIndex((group) => group !== undefined);
      found.add(CANARY_MARKERS[index].name);
    }
  }
  return [...found];
}

/**
 * Reads every capture file in `dir`: returns how many items were scanned, how many canary values the factories
 * produced (from the `produced` records) and one hit per item and marker family.
 */
export async function scanCaptureDir(dir) {
  const result = { files: 0, items: 0, produced: 0, byKind: {}, hits: [] };
  let names = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.ndjson')).sort();
  } catch {
    return result;
  }
  for (const file of names) {
    result.files++;
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(join(dir, file), 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber++;
      if (line.length === 0) continue;
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        // A process killed mid-write leaves a torn last line: scan it as text rather than skip it.
        record = { kind: 'torn', text: line };
      }
      if (record.kind === 'produced') {
        result.produced += Number(record.text) || 0;
        continue;
      }
      result.items++;
      result.byKind[record.kind] = (result.byKind[record.kind] ?? 0) + 1;
      for (const marker of findCanaries(String(record.text ?? ''))) {
        result.hits.push({ file, line: lineNumber, kind: record.kind, where: record.where, context: record.context, marker });
      }
    }
  }
  return result;
}

/** One line per hit, without the captured text. */
export function describeHit(hit) {
  return `G8 hit: ${hit.marker} in ${hit.kind} (${hit.where ?? '-'}) from ${hit.context ?? 'unknown test'} [${hit.file}:${hit.line}]`;
}
