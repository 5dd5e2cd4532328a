import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Of which the process was busy (not idle). */
  busyMs: number;
  /** Self time by function. */
  frames: { frame: string; selfMs: number; share: number }[];
  /** Self time by where the code lives (npm package, node internals, our libs, GC/idle). */
  areas: { area: string; selfMs: number; share: number }[];
}

function areaOf(url: string, functionName: string): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    return pkg[1];
  }
  if (url.startsWith('node:')) {
    return `node:${url.slice(5).split('/')[0]}`;
  }
  const lib = /dist\/apps\/gateway\/((?:libs|apps)\/[^/]+)/.exec(url);
  return lib ? lib[1] : url;
}

function shortUrl(url: string): string {
  const cut = url.lastIndexOf('node_modules/');
  if (cut >= 0) {
    return url.slice(cut + 'node_modules/'.length);
  }
  const dist = url.indexOf('dist/apps/gateway/');
  return dist >= 0 ? url.slice(dist + 'dist/apps/gateway/'.length) : url.replace(/^file:\/\//, '');
}

/**
 * Summarises the newest .cpuprofile in `dir`: top self-time frames and areas, counting only the
 * samples taken after `skipMs` (start-up and warm-up), as shares of the busy (non-idle) time.
 */
export function summariseProfile(dir: string, skipMs: number, top = 15): ProfileSummary | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) {
    return undefined;
  }
  const file = join(dir, files[files.length - 1]);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: each sample lasts until the next one.
  const hits = new Map<number, number>();
  let at = 0;
  let totalMs = 0;
  let idleMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (at < skipMs) {
      continue;
    }
    const id = profile.samples[i];
    hits.set(id, (hits.get(id) ?? 0) + ms);
    totalMs += ms;
    if (byId.get(id)?.callFrame.functionName === '(idle)') {
      idleMs += ms;
    }
  }
  const busyMs = totalMs - idleMs;
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, ms] of hits) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    frames.set(frame, (frames.get(frame) ?? 0) + ms);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), share: busyMs > 0 ? ms / busyMs : 0 }));
  return {
    file,
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    frames: rank(frames).map((r) => ({ frame: r.name, selfMs: r.selfMs, share: r.share })),
    areas: rank(areas).map((r) => ({ area: r.name, selfMs: r.selfMs, share: r.share })),
  };
}
