/**
 * Learning rate: linear warmup from 0 to `lr` over `warmup` steps, then cosine decay to
 * `minLr` (default lr/10, as nanoGPT) at `steps`. Steps count from 1.
 */
export interface ScheduleOptions {
  lr: number;
  warmup: number;
  steps: number;
  minLr?: number;
}

export function learningRate(step: number, { lr, warmup, steps, minLr = lr / 10 }: ScheduleOptions): number {
  if (warmup > 0 && step <= warmup) return (lr * step) / warmup;
  if (step >= steps) return minLr;
  const progress = (step - warmup) / Math.max(1, steps - warmup); // 0 → 1 after warmup
  return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
}
