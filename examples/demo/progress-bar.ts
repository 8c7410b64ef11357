/** A one-line progress bar on a terminal; a line every 10% when output goes to a file or a pipe. */
export class ProgressBar {
  private done_ = 0;
  private lastDecile = -1;
  private readonly started = performance.now();
  private readonly tty = Boolean(process.stdout.isTTY);
  private lastDraw = 0;

  constructor(private readonly total: number) {}

  advance(count: number): void {
    this.done_ += count;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < 100 && this.done_ < this.total) return; // redrawing more often only costs CPU
      this.lastDraw = now;
      process.stdout.write(`\r${this.line(now)}`);
      return;
    }
    const decile = Math.floor((this.done_ / this.total) * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      console.log(this.line(now));
    }
  }

  done(): void {
    if (this.tty) process.stdout.write(`\r${this.line(performance.now())}\n`);
  }

  private line(now: number): string {
    const share = Math.min(1, this.done_ / this.total);
    const width = 30;
    const filled = Math.round(share * width);
    const rate = this.done_ / Math.max(0.001, (now - this.started) / 1000);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${this.done_.toLocaleString('en-US')} records  ${Math.round(rate).toLocaleString('en-US')}/s`;
  }
}
