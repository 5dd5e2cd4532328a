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
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
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

/** Summarises the newest .cpuprofile in `dir`: top self-time frames and areas. */
export function summariseProfile(dir: string, top = 15): ProfileSummary | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) {
    return undefined;
  }
  const file = join(dir, files[files.length - 1]);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = profile.samples.length > 0 ? totalMs / profile.samples.length : 0;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of profile.samples) {
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    frames.set(frame, (frames.get(frame) ?? 0) + count * perSample);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + count * perSample);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), share: totalMs > 0 ? ms / totalMs : 0 }));
  return {
    file,
    totalMs: Math.round(totalMs),
    frames: rank(frames).map((r) => ({ frame: r.name, selfMs: r.selfMs, share: r.share })),
    areas: rank(areas).map((r) => ({ area: r.name, selfMs: r.selfMs, share: r.share })),
  };
}
