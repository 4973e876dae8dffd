/**
 * The sandbox side of a platform's signed callbacks (payment notifications, courier tracking):
 * POST the same body to the receiver's notify URL, signed afresh each attempt, and retry with
 * back-off until the receiver answers with the platform's documented success body, or the
 * schedule runs out. Wire names and signatures stay with each platform (`*-wire.ts`).
 */

export interface CallbackAttempt {
  attempt: number;
  at: string;
  /** HTTP status of the receiver's answer; null when there was none. */
  status: number | null;
  acknowledged: boolean;
  error: string | null;
}

export type CallbackState = 'pending' | 'acknowledged' | 'gave-up' | 'dropped';

/** What every sandbox callback records; each platform adds its own identifying fields. */
export interface SignedCallback {
  url: string;
  /** The notification body, the same for every attempt (each attempt is signed afresh). */
  body: string;
  state: CallbackState;
  attempts: CallbackAttempt[];
  nextAttemptAt: string | null;
}

/** The delivery fields of a new callback: pending, or dropped when the sandbox is told to send none. */
export function newCallback(url: string, body: string, dropped: boolean): SignedCallback {
  return { url, body, state: dropped ? 'dropped' : 'pending', attempts: [], nextAttemptAt: null };
}

export interface CallbackSenderOptions<C extends SignedCallback> {
  /** The signature headers of one attempt (each attempt is signed afresh). */
  signatureHeaders(callback: C): Record<string, string>;
  /** Whether the receiver's answer is the platform's documented success body. */
  isAck(status: number, body: string): boolean;
  /** Who receives the callbacks, as the attempt's error messages name them (商户, 客户端). */
  receiver: string;
  /** How long one attempt may take. */
  timeoutMs: number;
  /** The delays before the 2nd, 3rd, … attempt (read at every failure: settings may change). */
  backoffMs(): readonly number[];
  /** Called after every change to a callback's state. */
  persist(): void;
}

export class CallbackSender<C extends SignedCallback> {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();

  constructor(private readonly options: CallbackSenderOptions<C>) {}

  /** Sends a new callback at once (unless it was dropped). */
  start(callback: C): void {
    if (callback.state === 'pending') this.schedule(callback, 0);
  }

  /** Sends again what a previous run left unacknowledged, after the first back-off delay. */
  resume(callbacks: Iterable<C>): void {
    for (const callback of callbacks) if (callback.state === 'pending') this.schedule(callback, this.options.backoffMs()[0] ?? 0);
  }

  /** One more attempt now, outside the schedule (as a platform may resend); the receiver's answer. */
  async resend(callback: C): Promise<CallbackAttempt> {
    const attempt = await this.attemptOnce(callback);
    if (attempt.acknowledged && callback.state !== 'acknowledged') {
      callback.state = 'acknowledged';
      callback.nextAttemptAt = null;
    }
    return attempt;
  }

  /** Stops every scheduled and running attempt. */
  close(): void {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(callback: C, delayMs: number): void {
    callback.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(callback);
    }, delayMs);
    this.timers.add(timer);
  }

  /** One POST of the callback, signed afresh; the receiver's answer. */
  private async attemptOnce(callback: C): Promise<CallbackAttempt> {
    const { receiver, timeoutMs } = this.options;
    const attempt: CallbackAttempt = { attempt: callback.attempts.length + 1, at: new Date().toISOString(), status: null, acknowledged: false, error: null };
    try {
      const res = await fetch(callback.url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json; charset=utf-8', ...this.options.signatureHeaders(callback) },
        body: callback.body,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]),
      });
      attempt.status = res.status;
      const text = await res.text();
      attempt.acknowledged = this.options.isAck(res.status, text);
      if (!attempt.acknowledged) attempt.error = `${receiver}未返回成功应答（HTTP ${res.status}）`;
    } catch (error) {
      attempt.error = error instanceof Error && error.name === 'TimeoutError' ? `${receiver}在${timeoutMs}毫秒内未应答` : `无法连接${receiver}通知地址`;
    }
    callback.attempts.push(attempt);
    return attempt;
  }

  private async deliver(callback: C): Promise<void> {
    if (this.closing.signal.aborted || callback.state !== 'pending') return;
    const attempt = await this.attemptOnce(callback);
    if (this.closing.signal.aborted) return;
    if (callback.state !== 'pending') {
      // A resend was acknowledged meanwhile.
    } else if (attempt.acknowledged) {
      callback.state = 'acknowledged';
      callback.nextAttemptAt = null;
    } else {
      // Resends are outside the schedule; only failed attempts count towards it.
      const delay = this.options.backoffMs()[callback.attempts.filter((a) => !a.acknowledged).length - 1];
      if (delay === undefined) {
        callback.state = 'gave-up';
        callback.nextAttemptAt = null;
      } else this.schedule(callback, delay);
    }
    this.options.persist();
  }
}
