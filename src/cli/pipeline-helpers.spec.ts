import { tileGrid } from '../image/tiling';
import { runWithConcurrency } from './bounded-concurrency';
import { planFrames } from './frame-plan';
import { percentile, summarizeLatencies } from './latency-stats';
import { createProgressReporter, type UpscaleProgress } from './progress-reporter';

describe('planFrames', () => {
  it('groups row-major tiles into frames, the last one shorter', () => {
    const frames = planFrames(tileGrid(96, 80, 32).tiles, 4);
    expect(frames.map((frame) => frame.map((tile) => tile.id))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8],
    ]);
  });

  it('refuses grids whose ids do not fit the u16 tile index', () => {
    expect(() => planFrames(tileGrid(8 * 300, 8 * 300, 8).tiles, 1)).toThrow(/u16/);
    expect(() => planFrames([], 0)).toThrow(RangeError);
  });
});

describe('runWithConcurrency', () => {
  it('keeps at most `limit` calls running and runs every item', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runWithConcurrency([5, 1, 3, 2, 4, 1], 3, async (ms, index) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      seen.push(index);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects with the first failure, starts nothing after it and waits for the rest', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = runWithConcurrency([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, item === 0 ? 1 : 20));
      finished++;
      if (item === 0) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(2);
  });
});

describe('latency stats', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(summarizeLatencies([3, 1, 2])).toEqual({ count: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
    expect(summarizeLatencies([]).p50Ms).toBeNaN();
  });
});

describe('progress reporter', () => {
  const at = (doneTiles: number): UpscaleProgress => ({
    doneTiles,
    totalTiles: 20,
    drops: 0,
    elapsedMs: 1000,
  });

  it('prints a plain line per 10 % without a terminal', () => {
    const lines: string[] = [];
    const reporter = createProgressReporter({ write: (text) => lines.push(text) });
    for (let done = 1; done <= 20; done++) reporter.update(at(done));
    reporter.finish(at(20));
    expect(lines).toHaveLength(11); // 0 %, 10 % … 90 %, and the final 100 %
    expect(lines[0]).toBe('upscale: 5% (1/20 tiles, 1.0 tiles/s)\n');
    expect(lines.at(-1)).toBe('upscale: 100% (20/20 tiles, 20.0 tiles/s)\n');
  });

  it('redraws one bar in place on a terminal', () => {
    const output: string[] = [];
    const reporter = createProgressReporter({ write: (text) => output.push(text), isTTY: true });
    reporter.update(at(10));
    reporter.update(at(11)); // within the redraw interval: skipped
    reporter.finish({ ...at(20), drops: 2 });
    expect(output).toHaveLength(3);
    expect(output[0]).toMatch(/^\r\[█{15}░{15}\] {2}50% 10\/20 tiles, 10\.0 tiles\/s/);
    expect(output[1]).toMatch(/100% 20\/20 tiles, 20\.0 tiles\/s, 2 dropped/);
    expect(output[2]).toBe('\n');
  });
});
