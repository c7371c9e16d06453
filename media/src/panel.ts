/**
 * The results panel's page: draws a run from the messages of client/src/panel-protocol.ts.
 * Everything the run produced (names, values, output, errors) is written with textContent or
 * attributes set through the DOM, never parsed as HTML.
 */
import '../panel.css';
import type { HarnessName, HarnessRun, LoopBlock, RunProgress, TaskRecord } from '../../server/src/harness/types';
import { lanes } from '../../server/src/harness/trace';
import { capText, type HostMessage, type PageMessage, type PanelRun, type PanelState } from '../../client/src/panel-protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const LABEL: Record<HarnessName, string> = { serial: 'serial', thread: 'threads', process: 'processes', coroutine: 'coroutines', ray: 'ray' };

/** One harness as drawn: a finished run, or what has streamed of one. */
interface HarnessView {
  harness: HarnessName;
  state: 'running' | 'done' | 'failed';
  wallMs: number | null;
  cpuMs: number | null;
  error: string | null;
  tasks: (TaskRecord & { running?: boolean })[];
  blocks: LoopBlock[];
  maxBlockMs: number | null;
  stdout: string;
  stderr: string;
  /** the ray harness: what it says beside its times (start-up, cluster) */
  note?: string;
  /** while running: the host's ms since the harness started at the last message, and when that arrived here */
  clock?: { atMs: number; arrived: number };
}

interface View {
  title: string;
  file: string;
  detail: string;
  live: boolean;
  harnesses: HarnessView[];
  verdict: string[];
  speedUps: Partial<Record<HarnessName, number>>;
}

let view: View | undefined;
const openOutputs = new Set<string>();
let ticker: number | undefined;

// ---- building the view ----

function fromRun(run: PanelRun): View {
  const { result } = run;
  const s = result.snippet;
  const name = s.kind === 'function' ? `${s.name}()` : s.name;
  return {
    title: name,
    file: result.file,
    detail: `${basename(result.file)}:${s.startLine}–${s.endLine} · ${result.language} · ${result.tasks} task${result.tasks === 1 ? '' : 's'} per harness`,
    live: false,
    harnesses: result.runs.map(fromHarnessRun),
    verdict: run.verdict,
    speedUps: run.speedUps,
  };
}

function fromHarnessRun(r: HarnessRun): HarnessView {
  return {
    harness: r.harness, state: r.ok ? 'done' : 'failed', wallMs: r.wallMs, cpuMs: r.cpuMs,
    error: r.error ?? (r.timedOut ? 'timed out; its processes were killed' : r.cancelled ? 'cancelled' : null),
    tasks: r.tasks, blocks: r.loop.blocks, maxBlockMs: r.loop.maxBlockMs, stdout: r.stdout, stderr: r.stderr,
    note: r.ray ? rayNote(r) : undefined,
  };
}

function rayNote(r: HarnessRun): string {
  const ray = r.ray!;
  const nodes = new Set(r.tasks.map((t) => t.worker.node).filter(Boolean)).size;
  const where = ray.address ? `connecting to ${ray.address}` : 'starting a local cluster';
  return `${where} took ${fmtMs(ray.startupMs)}, not counted in the wall time; tasks ran on ${nodes} of ${ray.clusterNodes} node${ray.clusterNodes === 1 ? '' : 's'}.`;
}

function apply(v: View, p: RunProgress, atMs: number): void {
  let h = v.harnesses.find((x) => x.harness === p.harness);
  if (!h) {
    h = { harness: p.harness, state: 'running', wallMs: null, cpuMs: null, error: null, tasks: [], blocks: [], maxBlockMs: null, stdout: '', stderr: '' };
    v.harnesses.push(h);
  }
  h.clock = { atMs, arrived: performance.now() };
  switch (p.kind) {
    case 'harness-start':
      break;
    case 'task-start':
      h.tasks = h.tasks.filter((t) => t.index !== p.index);
      h.tasks.push({ index: p.index, startMs: atMs, endMs: atMs, worker: p.worker, ok: true, value: null, error: null, running: true });
      break;
    case 'task-end':
      h.tasks = h.tasks.filter((t) => t.index !== p.task.index);
      h.tasks.push(p.task);
      break;
    case 'output':
      h[p.stream] = capText(h[p.stream] + p.text);
      break;
    case 'harness-end':
      Object.assign(h, fromHarnessRun(p.run), { clock: undefined });
      break;
  }
}

/** ms since the harness started, now, for the tasks still running. */
function nowMs(h: HarnessView): number {
  return h.clock ? h.clock.atMs + (performance.now() - h.clock.arrived) : 0;
}

// ---- drawing ----

type Attrs = { class?: string; text?: string; title?: string; role?: string; label?: string };
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | null | undefined)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs.class) e.className = attrs.class;
  if (attrs.text !== undefined) e.textContent = attrs.text;
  if (attrs.title) e.title = attrs.title;
  if (attrs.role) e.setAttribute('role', attrs.role);
  if (attrs.label) e.setAttribute('aria-label', attrs.label);
  for (const c of children) if (c) e.append(c);
  return e;
}

/** Positions set through the CSSOM, which the style-src policy allows (no inline style attributes). */
function place(e: HTMLElement, leftPct: number, widthPct: number): HTMLElement {
  e.style.left = `${clamp(leftPct)}%`;
  e.style.width = `${clamp(widthPct, 0, 100 - clamp(leftPct))}%`;
  return e;
}
const clamp = (x: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, Number.isFinite(x) ? x : 0));

function fmtMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
function basename(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

function render(): void {
  const app = document.getElementById('app')!;
  if (!view) {
    app.replaceChildren(el('div', { class: 'empty' },
      el('div', { class: 'empty-title', text: 'No run yet' }),
      el('p', { text: 'Click ▶ Run or compare above a function or cell. Its harnesses show here side by side: times, a timeline of which worker ran which task, the verdict and the output.' })));
    return;
  }
  const v = view;
  app.replaceChildren(
    header(v),
    section('Verdict', verdictBlock(v)),
    section('Harnesses', summary(v), 'summary'),
    section('Timeline', timeline(v), 'timeline'),
    section('Output', outputs(v), 'outputs'),
  );
  tick();
}

/** While tasks run, redraw what grows with time: the bars and the timeline. */
function tick(): void {
  const running = !!view?.harnesses.some((h) => h.state === 'running');
  if (running && ticker === undefined) {
    ticker = window.setInterval(() => {
      if (!view) return;
      document.getElementById('summary')?.replaceChildren(summary(view));
      document.getElementById('timeline')?.replaceChildren(timeline(view));
      if (!view.harnesses.some((h) => h.state === 'running')) stopTicker();
    }, 250);
  } else if (!running) stopTicker();
}
function stopTicker(): void {
  if (ticker !== undefined) window.clearInterval(ticker);
  ticker = undefined;
}

function section(title: string, body: Node, id?: string): HTMLElement {
  const content = el('div', { class: 'section-body' }, body);
  if (id) content.id = id;
  return el('section', { class: `section section-${title.toLowerCase()}` }, el('h2', { text: title }), content);
}

function header(v: View): HTMLElement {
  const failed = v.harnesses.some((h) => h.state === 'failed');
  const status = v.live ? ['running', 'Running…'] : failed ? ['failed', 'Failed'] : ['done', 'Done'];
  const button = el('button', { class: 'button', text: 'Export trace', title: 'Save the run as a Chrome trace-event file (chrome://tracing, ui.perfetto.dev)' });
  button.disabled = v.live;
  button.addEventListener('click', () => vscode.postMessage({ type: 'exportTrace', payload: {} }));
  return el('header', { class: 'header' },
    el('div', { class: 'heading' },
      el('h1', {}, el('span', { class: 'title', text: v.title }), el('span', { class: `pill pill-${status[0]}`, text: status[1] })),
      el('div', { class: 'detail', text: v.detail, title: v.file })),
    button);
}

function verdictBlock(v: View): HTMLElement {
  if (v.live) return el('div', { class: 'verdict verdict-pending', text: 'The verdict comes when every harness has finished.' });
  if (!v.verdict.length) {
    return el('div', { class: 'verdict verdict-pending', text: v.harnesses.length < 2 ? 'One harness ran: run compare to see why one is faster than another.' : 'No clear difference between the harnesses.' });
  }
  return el('div', { class: 'verdict', role: 'note' }, ...v.verdict.map((line) => el('p', { class: 'verdict-line', text: line })));
}

function summary(v: View): HTMLElement {
  const time = (h: HarnessView) => (h.state === 'running' ? nowMs(h) : h.wallMs ?? 0);
  const maxTime = Math.max(1, ...v.harnesses.map((h) => Math.max(time(h), h.cpuMs ?? 0)));
  const maxSpeed = Math.max(2, ...Object.values(v.speedUps).map((s) => s ?? 0));
  const grid = el('div', { class: 'grid', role: 'table', label: 'Harness times' },
    el('div', { class: 'grid-head', role: 'row' }, ...['Harness', 'Wall', 'CPU', 'Speed-up over serial', 'Tasks', 'Max loop block']
      .map((t) => el('div', { role: 'columnheader', text: t }))));
  for (const h of v.harnesses) {
    const wall = h.state === 'running' ? nowMs(h) : h.wallMs;
    const s = v.speedUps[h.harness];
    const ok = h.tasks.filter((t) => !t.running && t.ok).length;
    const done = h.tasks.filter((t) => !t.running).length;
    const speedClass = h.harness === 'serial' ? 'base' : s === undefined ? 'none' : s >= 1.5 ? 'fast' : s >= 1.25 ? 'some' : 'slow';
    grid.append(el('div', { class: `grid-row state-${h.state}`, role: 'row' },
      el('div', { class: 'harness', role: 'cell' }, el('span', { class: `dot dot-${h.state}` }), el('span', { text: LABEL[h.harness] })),
      barCell('wall', wall, maxTime, fmtMs(wall), h.state === 'running'),
      barCell('cpu', h.cpuMs, maxTime, fmtMs(h.cpuMs)),
      speedCell(s, maxSpeed, speedClass, h),
      el('div', { class: `num ${done > ok ? 'bad' : ''}`, role: 'cell', text: h.state === 'running' ? `${done} done` : `${ok}/${h.tasks.length} ok` }),
      el('div', { class: `num ${(h.maxBlockMs ?? 0) >= 100 ? 'warn' : ''}`, role: 'cell', text: h.harness === 'coroutine' || h.maxBlockMs ? fmtMs(h.maxBlockMs) : '—' }),
    ));
    if (h.error) grid.append(el('div', { class: 'grid-error', role: 'row', text: `${LABEL[h.harness]}: ${h.error}` }));
    if (h.note) grid.append(el('div', { class: 'grid-note', role: 'row', text: `${LABEL[h.harness]}: ${h.note}` }));
  }
  return grid;
}

function barCell(kind: string, value: number | null, max: number, label: string, live = false): HTMLElement {
  const track = el('div', { class: 'bar-track' });
  if (value !== null) track.append(place(el('div', { class: `bar bar-${kind}${live ? ' bar-live' : ''}` }), 0, (value / max) * 100));
  return el('div', { class: `bar-cell cell-${kind}`, role: 'cell' }, track, el('span', { class: 'bar-value', text: label }));
}

function speedCell(s: number | undefined, max: number, cls: string, h: HarnessView): HTMLElement {
  const track = el('div', { class: 'bar-track' });
  track.append(place(el('div', { class: 'one-mark', title: 'serial (1×)' }), (1 / max) * 100, 0));
  if (s !== undefined) track.append(place(el('div', { class: `bar bar-speed-${cls}` }), 0, (s / max) * 100));
  const text = s === undefined ? (h.state === 'running' ? '…' : '—') : h.harness === 'serial' ? '1.0× baseline' : `${s.toFixed(s < 10 ? 2 : 1)}×`;
  return el('div', { class: 'bar-cell cell-speed', role: 'cell' }, track, el('span', { class: `bar-value speed-${cls}`, text }));
}

/** Tick spacing of 1, 2 or 5 × 10^k giving about six ticks. */
function ticks(max: number): number[] {
  const raw = max / 6;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((x) => x >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(t);
  return out;
}

function timeline(v: View): HTMLElement {
  const end = (h: HarnessView) => Math.max(h.state === 'running' ? nowMs(h) : h.wallMs ?? 0, ...h.tasks.map((t) => t.endMs), ...h.blocks.map((b) => b.atMs + b.ms));
  const max = Math.max(1, ...v.harnesses.map(end));
  const pct = (ms: number) => (ms / max) * 100;
  const root = el('div', { class: 'tl' });
  const axis = el('div', { class: 'tl-axis' });
  for (const t of ticks(max)) {
    const tick = place(el('div', { class: 'tl-tick' }, el('span', { text: t === 0 ? '0' : fmtMs(t) })), pct(t), 0);
    if (pct(t) > 97) tick.classList.add('tl-tick-last');
    axis.append(tick);
  }
  root.append(el('div', { class: 'tl-row tl-axis-row' }, el('div', { class: 'tl-label' }), axis));
  for (const h of v.harnesses) {
    root.append(el('div', { class: 'tl-group' },
      el('span', { class: `dot dot-${h.state}` }), el('span', { class: 'tl-group-name', text: LABEL[h.harness] }),
      el('span', { class: 'tl-group-meta', text: h.state === 'running' ? 'running…' : `${fmtMs(h.wallMs)} wall` })));
    const now = nowMs(h);
    const run = { tasks: h.tasks.map((t) => (t.running ? { ...t, endMs: Math.max(t.startMs, now) } : t)) } as HarnessRun;
    const ls = lanes(run);
    if (!ls.length) {
      root.append(el('div', { class: 'tl-row' }, el('div', { class: 'tl-label' }), el('div', { class: 'tl-none', text: h.state === 'running' ? 'starting…' : 'no task ran' })));
      continue;
    }
    ls.forEach((lane, i) => {
      const track = el('div', { class: 'tl-track' });
      // The loop's blocks belong to the lane of its one thread (the coroutine harness's first lane), in a strip under its tasks.
      const blocks = i === 0 ? h.blocks : [];
      track.style.height = `${lane.rows * 20 + 4 + (blocks.length ? 8 : 0)}px`;
      for (const b of blocks) {
        track.append(place(el('div', { class: 'tl-block', title: `event loop blocked for ${fmtMs(b.ms)} at ${fmtMs(b.atMs)}${b.line !== null ? `, line ${b.line}` : ''}` }), pct(b.atMs), Math.max(pct(b.ms), 0.4)));
      }
      if (h.wallMs !== null && h.state !== 'running') track.append(place(el('div', { class: 'tl-wall', title: `${LABEL[h.harness]} finished at ${fmtMs(h.wallMs)}` }), pct(h.wallMs), 0));
      for (const { task, row } of lane.tasks) {
        const t = task as TaskRecord & { running?: boolean };
        const state = t.running ? 'running' : t.ok ? 'ok' : 'failed';
        const tip = [`task ${t.index} · ${t.running ? 'running' : t.ok ? 'ok' : 'failed'} · ${fmtMs(t.endMs - t.startMs)}`, `${fmtMs(t.startMs)} → ${fmtMs(t.endMs)}`, `pid ${t.worker.pid} · ${t.worker.thread}`];
        if (t.value !== null) tip.push(`→ ${t.value.slice(0, 200)}`);
        if (t.error) tip.push(`${t.error.type}: ${t.error.message}`.slice(0, 300));
        const bar = place(el('div', { class: `tl-task tl-${state}`, title: tip.join('\n'), label: tip[0] }, el('span', { text: `#${t.index}` })), pct(t.startMs), Math.max(pct(t.endMs - t.startMs), 0.3));
        bar.style.top = `${row * 20 + 2}px`;
        track.append(bar);
      }
      root.append(el('div', { class: 'tl-row' },
        el('div', { class: 'tl-label', title: `pid ${lane.pid} · ${lane.thread}` }, el('span', { class: 'tl-pid', text: `pid ${lane.pid}` }), el('span', { class: 'tl-thread', text: lane.thread })),
        track));
    });
  }
  root.append(el('div', { class: 'legend' },
    ...([['ok', 'task ok'], ['failed', 'task failed'], ['running', 'running'], ['block', 'event loop blocked'], ['wall', 'harness finished']] as const)
      .map(([k, t]) => el('span', { class: 'legend-item' }, el('span', { class: `swatch swatch-${k}` }), el('span', { text: t })))));
  return root;
}

function outputs(v: View): HTMLElement {
  const root = el('div', { class: 'outputs' });
  for (const h of v.harnesses) {
    const failures = h.tasks.filter((t) => !t.running && t.error);
    const lines = (s: string) => {
      const n = s.split('\n').length - (s.endsWith('\n') ? 1 : 0);
      return s ? `${n} line${n === 1 ? '' : 's'}` : 'empty';
    };
    const details = el('details', { class: 'output' },
      el('summary', {}, el('span', { class: 'output-name', text: LABEL[h.harness] }),
        el('span', { class: 'output-meta', text: `stdout ${lines(h.stdout)} · stderr ${lines(h.stderr)}${failures.length ? ` · ${failures.length} error${failures.length === 1 ? '' : 's'}` : ''}` })));
    details.open = openOutputs.has(h.harness);
    details.addEventListener('toggle', () => (details.open ? openOutputs.add(h.harness) : openOutputs.delete(h.harness)));
    for (const [name, text] of [['stdout', h.stdout], ['stderr', h.stderr]] as const) {
      if (text) details.append(el('div', { class: 'stream-name', text: name }), el('pre', { class: `stream stream-${name}`, text }));
    }
    for (const t of failures) {
      details.append(el('div', { class: 'stream-name', text: `task ${t.index}: ${t.error!.type}: ${t.error!.message}` }), el('pre', { class: 'stream stream-stderr', text: capText(t.error!.stack, 8192) }));
    }
    if (!h.stdout && !h.stderr && !failures.length) details.append(el('div', { class: 'stream-empty', text: 'No output.' }));
    root.append(details);
  }
  return root;
}

// ---- messages ----

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'begin':
      view = { title: m.payload.title, file: m.payload.file, detail: m.payload.file ? `${basename(m.payload.file)}${m.payload.tasks ? ` · ${m.payload.tasks} tasks per harness` : ''}` : '', live: true, harnesses: [], verdict: [], speedUps: {} };
      break;
    case 'progress':
      if (!view?.live) return;
      apply(view, m.payload.progress, m.payload.atMs);
      break;
    case 'show':
      vscode.setState({ run: m.payload });
      view = fromRun(m.payload);
      break;
  }
  scheduleRender();
});

/** Progress can come in bursts (output, many tasks): draw once per frame. */
let pending = false;
function scheduleRender(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

const saved = vscode.getState()?.run;
if (saved) view = fromRun(saved);
render();
vscode.postMessage({ type: 'ready', payload: {} });
